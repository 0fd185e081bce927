/**
 * The browser builds of the libraries the page uses, from node_modules:
 * marked (Markdown), DOMPurify (sanitising), uPlot (the ROC chart). By the
 * package's folder, not a subpath: marked's `exports` does not list its UMD
 * build, so `require.resolve('marked/lib/marked.umd.js')` fails under node
 * (jest's resolver lets it through).
 */
import { dirname, join } from 'node:path';

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

export const VENDOR_FILES = {
  marked: () => join(packageDir('marked'), 'lib', 'marked.umd.js'),
  purify: () => require.resolve('dompurify/dist/purify.min.js'),
  uplot: () => join(packageDir('uplot'), 'dist', 'uPlot.iife.min.js'),
  uplotCss: () => join(packageDir('uplot'), 'dist', 'uPlot.min.css'),
};
