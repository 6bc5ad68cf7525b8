// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Stop a second click from submitting a form twice (the server also refuses duplicates).
  document.querySelectorAll("form[method='post']").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type='submit']").forEach((button) => {
        window.setTimeout(() => { button.disabled = true; }, 0);
      });
    });
  });
});

// "Print in large print" beside an easy-read text: the print stylesheet does the rest.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
