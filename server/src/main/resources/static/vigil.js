// Vigil's only script (besides htmx). CSRF for htmx: Spring Security keeps the token in the XSRF-TOKEN cookie and
// accepts it back in the X-XSRF-TOKEN header, as Swagger UI sends it too. No inline script anywhere (CSP).
document.addEventListener('htmx:configRequest', function (event) {
  var match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
  if (match) {
    event.detail.headers['X-XSRF-TOKEN'] = decodeURIComponent(match[1]);
  }
});

// Countdowns to deadlines (incident notification stages): every <time data-due="ISO instant"> shows the time left,
// recomputed each 30 seconds from the browser's clock; the server-rendered text stays when the value is not a date.
function vigilCountdowns() {
  document.querySelectorAll('time[data-due]').forEach(function (el) {
    var due = Date.parse(el.getAttribute('data-due'));
    if (isNaN(due)) {
      return;
    }
    var left = Math.round((due - Date.now()) / 60000);
    var m = Math.abs(left), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), min = m % 60;
    var text = d > 0 ? d + 'd ' + h + 'h' : (h > 0 ? h + 'h ' + String(min).padStart(2, '0') + 'm' : min + 'm');
    el.textContent = left < 0 ? 'overdue by ' + text : 'due in ' + text;
  });
}
document.addEventListener('DOMContentLoaded', function () {
  vigilCountdowns();
  setInterval(vigilCountdowns, 30000);
});
