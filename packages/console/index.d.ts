/** Absolute path of the built console: index.html and assets/ (hashed file names, cacheable for ever). */
export declare const consoleDir: string;
/** Issue 14's budget: gzip JavaScript the first page loads. */
export declare const BUNDLE_BUDGET_BYTES: number;
export interface BundleFile {
  file: string;
  gzipBytes: number;
}
/** The built first page's gzip JavaScript, file by file, and what would break it under the CSP. */
export declare function firstPageBundle(): { files: BundleFile[]; gzipBytes: number; budgetBytes: number; problems: string[] };
/** Every JavaScript chunk of the build, gzip sizes, largest first. */
export declare function bundleChunks(): BundleFile[];
