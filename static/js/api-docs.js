// Start Swagger UI on the API's documentation page (api/templates/api/docs.html). A file of
// its own, not an inline script, so the page keeps the site's Content-Security-Policy.
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    persistAuthorization: false,
    // The page already has its title and description in its own words; Swagger UI's info
    // block would add a second level-one heading, so it is left out.
    plugins: [
      function () {
        return {
          wrapComponents: {
            info: function () {
              return function () {
                return null;
              };
            },
          },
        };
      },
    ],
  });
});
