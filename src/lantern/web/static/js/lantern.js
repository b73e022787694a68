// Lantern's only script of its own (the content security policy allows no inline scripts).
// Marks the page as JavaScript-enabled, as GOV.UK Frontend's template would inline, then
// starts the GOV.UK and MOJ Frontend components, and sends the CSRF token with HTMX requests.
import { initAll as govukInitAll } from "/static/vendor/govuk-frontend.min.js";
import { initAll as mojInitAll } from "/static/vendor/moj-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
govukInitAll();
mojInitAll();

document.body.addEventListener("htmx:configRequest", (event) => {
  const field = document.querySelector("input[name=csrf_token]");
  if (field) {
    event.detail.headers["X-CSRF-Token"] = field.value;
  }
});
document.body.addEventListener("htmx:afterSwap", (event) => {
  mojInitAll({ scope: event.detail.target });
});
