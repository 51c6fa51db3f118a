/** Money that can settle open items: a payment's rest (amount − refunded − allocated). */
export interface Credit {
  paymentId: string;
  tenantId: string;
  remainingKurus: bigint;
}

/** An issued invoice's outstanding amount (gross − allocations). */
export interface OpenItem {
  invoiceId: string;
  outstandingKurus: bigint;
}

export interface Allocation {
  tenantId: string;
  paymentId: string;
  invoiceId: string;
  amountKurus: bigint;
}

/**
 * Open-item settlement, first in first out: the oldest money (as given, oldest received first) pays
 * the open items in the order given (oldest due first, then by number) until either runs out. Pure:
 * the caller reads both lists under the customer's lock and writes the allocations returned.
 */
export function allocateFifo(credits: readonly Credit[], items: readonly OpenItem[]): Allocation[] {
  const out: Allocation[] = [];
  const left = credits.map((c) => c.remainingKurus);
  let ci = 0;
  for (const item of items) {
    let owed = item.outstandingKurus;
    while (owed > 0n && ci < credits.length) {
      if (left[ci] <= 0n) {
        ci++;
        continue;
      }
      const take = left[ci] < owed ? left[ci] : owed;
      out.push({ tenantId: credits[ci].tenantId, paymentId: credits[ci].paymentId, invoiceId: item.invoiceId, amountKurus: take });
      left[ci] -= take;
      owed -= take;
    }
    if (ci >= credits.length) break;
  }
  return out;
}

/**
 * What to take back from a payment's allocations so that `needKurus` of it becomes free (a refund
 * larger than its unallocated rest): the latest-due invoices give back first, each at most what it holds.
 */
export function reversalsFor(
  allocations: readonly { invoiceId: string; amountKurus: bigint }[],
  needKurus: bigint,
): { invoiceId: string; amountKurus: bigint }[] {
  const out: { invoiceId: string; amountKurus: bigint }[] = [];
  let need = needKurus;
  for (const a of allocations) {
    if (need <= 0n) break;
    if (a.amountKurus <= 0n) continue;
    const take = a.amountKurus < need ? a.amountKurus : need;
    out.push({ invoiceId: a.invoiceId, amountKurus: -take });
    need -= take;
  }
  return out;
}
