// The printable record's Print button (the page runs under a CSP without inline script).
document.getElementById("print-record")?.addEventListener("click", () => window.print());
