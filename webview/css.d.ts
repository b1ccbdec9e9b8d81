// esbuild's text loader turns imported .css files into strings (scripts/build.mjs); this tells TypeScript so.
declare module '*.css' {
  const text: string;
  export default text;
}
