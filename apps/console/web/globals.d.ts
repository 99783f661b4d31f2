/** Stylesheets are bundled by esbuild (build/build-web.ts). */
declare module '*.css';
