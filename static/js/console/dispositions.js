// Dispositions by code or by words: `CL 02`, `CL 3`, `CL ARREST`, `CL FALSE ALARM`, from the
// list GET /api/v1/dispositions/ serves with the page.

// Best first: the exact code ("3" is 03), then descriptions whose words start with every typed
// word, in the list's order. Several equally good answers are all returned: the caller must pick.
export function matchDispositions(dispositions, text) {
  const q = text.trim().toUpperCase();
  if (!q) return [];
  const code = /^\d$/.test(q) ? `0${q}` : q;
  const exact = dispositions.filter((d) => d.code.toUpperCase() === code);
  if (exact.length) return exact;
  const words = q.split(/[^A-Z0-9]+/).filter(Boolean);
  return dispositions.filter((d) => {
    const own = d.description.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
    return words.every((w) => own.some((o) => o.startsWith(w)));
  });
}
