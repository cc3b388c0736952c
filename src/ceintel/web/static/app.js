// Send the session's CSRF token with every HTMX request (no inline scripts: the CSP forbids them).
document.addEventListener("htmx:configRequest", (e) => {
  const meta = document.querySelector("meta[name='csrf-token']");
  if (meta) e.detail.headers["X-CSRF-Token"] = meta.content;
});
