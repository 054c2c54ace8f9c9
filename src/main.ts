/**
 * The server's entry (`npm start`, the image, `axme serve`). graphql-js reads NODE_ENV as
 * it loads: outside production it checks every failed `instanceof` for a second copy of
 * itself, and that cost a served operation ~5% of its latency (bench/README.md, tenth
 * pass). The server is the product, so it runs as production unless NODE_ENV says
 * otherwise (tests set `test`). Started from here, nothing has loaded graphql-js yet.
 */
process.env.NODE_ENV ??= 'production';
await import('./serve.ts');
