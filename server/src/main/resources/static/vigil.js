// Vigil's only script (besides htmx). CSRF for htmx: Spring Security keeps the token in the XSRF-TOKEN cookie and
// accepts it back in the X-XSRF-TOKEN header, as Swagger UI sends it too. No inline script anywhere (CSP).
document.addEventListener('htmx:configRequest', function (event) {
  var match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
  if (match) {
    event.detail.headers['X-XSRF-TOKEN'] = decodeURIComponent(match[1]);
  }
});
