/** The POST body of every bench harness (run, ab, profile): ~200 bytes of JSON, as issue #7 specifies. */
export const BENCH_BODY = JSON.stringify({
  orderId: 'ord-2026-000123',
  customer: { id: 'c-4711', tier: 'gold' },
  items: [
    { sku: 'sku-0001', qty: 2, price: 19.99 },
    { sku: 'sku-0042', qty: 1, price: 5.5 },
  ],
  note: 'benchmark body, about two hundred bytes of ordinary JSON',
});
