/** Absolute path of the built console: index.html and assets/ (hashed file names, cacheable for ever). */
export declare const consoleDir: string;
