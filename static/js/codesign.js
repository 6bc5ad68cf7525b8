// Small progressive enhancements; every page works without this file.
(() => {
  const csrfToken = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };

  // The one polite live region (#messages): what an htmx swap changed, said once.
  const announce = (text) => {
    const region = document.getElementById("messages");
    if (!region || !text) return;
    const note = document.createElement("p");
    note.className = "visually-hidden";
    note.textContent = text;
    region.replaceChildren(note);
  };

  // GOV.UK's error summary: focused when the page loads, its links focus their field.
  const focusErrorSummary = () => {
    const summary = document.getElementById("error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      const label = document.querySelector(`label[for='${field.id}']`);
      (field.closest("fieldset") || label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  };

  // Drafts: what is typed into a form marked data-draft is kept in this browser until it
  // has been sent, so an idle sign-out or a lost connection loses nothing.
  const DRAFT = "codesign-draft:";
  const SENT = "codesign-draft-sent";
  const draftFields = (form) => Array.from(form.elements).filter((field) =>
    field.name && !["hidden", "submit", "button", "file", "password"].includes(field.type));
  const saveDraft = (form) => {
    const values = {};
    draftFields(form).forEach((field) => {
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) (values[field.name] = values[field.name] || []).push(field.value);
      } else {
        values[field.name] = field.value;
      }
    });
    try {
      localStorage.setItem(DRAFT + form.dataset.draft, JSON.stringify(values));
    } catch (error) { /* storage full or refused: the form still works */ }
  };
  const restoreDraft = (form) => {
    let values = null;
    try {
      values = JSON.parse(localStorage.getItem(DRAFT + form.dataset.draft) || "null");
    } catch (error) { values = null; }
    if (!values || form.querySelector(".is-invalid")) return;
    draftFields(form).forEach((field) => {
      if (!(field.name in values)) return;
      const value = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = value.includes(field.value);
      } else {
        field.value = value;
      }
    });
  };
  const clearDraft = (key) => {
    try { localStorage.removeItem(DRAFT + key); } catch (error) { /* nothing kept */ }
  };
  const settleSentDrafts = () => {
    // A form sent by a full page load: its draft goes once a signed-in page follows (one
    // that sent the person to sign in first keeps it).
    const key = sessionStorage.getItem(SENT);
    if (!key || !document.getElementById("idle-warning")) return;
    const form = document.querySelector(`form[data-draft='${key}']`);
    if (!form || !form.querySelector(".is-invalid")) clearDraft(key);
    sessionStorage.removeItem(SENT);
  };

  // The idle sign-out's warning, two minutes before (accounts.middleware signs out).
  const watchIdle = () => {
    const dialog = document.getElementById("idle-warning");
    if (!dialog || typeof dialog.showModal !== "function") return;
    const warning = Number(dialog.dataset.warning) * 1000;
    let deadline = Date.now() + Number(dialog.dataset.remaining) * 1000;
    let timer = null;
    const schedule = () => {
      window.clearTimeout(timer);
      const wait = deadline - Date.now();
      if (wait <= 0) {
        window.location.reload();
      } else if (wait <= warning) {
        if (!dialog.open) dialog.showModal();
        timer = window.setTimeout(schedule, Math.min(wait, 1000));
      } else {
        timer = window.setTimeout(schedule, wait - warning);
      }
    };
    const stay = async () => {
      const response = await fetch(dialog.dataset.stayUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
      });
      if (!response.ok) {
        window.location.reload();
        return;
      }
      deadline = Date.now() + (await response.json()).remaining * 1000;
      if (dialog.open) dialog.close();
      schedule();
    };
    dialog.querySelector("[data-idle-stay]").addEventListener("click", stay);
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      stay();
    });
    // Any request to the server restarts its clock too (written at most once a minute).
    document.body.addEventListener("htmx:afterRequest", () => {
      deadline = Math.max(deadline, Date.now() + (Number(dialog.dataset.remaining) - 60) * 1000);
    });
    schedule();
  };

  document.addEventListener("DOMContentLoaded", () => {
    // Stop a second click from submitting a form twice (the server also refuses duplicates).
    document.querySelectorAll("form[method='post']").forEach((form) => {
      form.addEventListener("submit", () => {
        form.querySelectorAll("button[type='submit']").forEach((button) => {
          window.setTimeout(() => { button.disabled = true; }, 0);
        });
      });
    });
    focusErrorSummary();
    settleSentDrafts();
    document.querySelectorAll("form[data-draft]").forEach(restoreDraft);
    watchIdle();
  });

  const keepDraft = (event) => {
    const form = event.target.closest && event.target.closest("form[data-draft]");
    if (form) saveDraft(form);
  };
  document.addEventListener("input", keepDraft);
  document.addEventListener("change", keepDraft);
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-draft]");
    if (form && !event.defaultPrevented) sessionStorage.setItem(SENT, form.dataset.draft);
  });

  // htmx: keep the focus where it was across a swap, send the board's count with the
  // quick-add, and say what came back.
  let focusedId = "";
  let draftSent = "";
  document.addEventListener("htmx:configRequest", (event) => {
    const count = document.getElementById("board-count");
    if (count && event.detail.elt.closest("#board-add")) {
      event.detail.parameters.board_count = count.dataset.count;
    }
    const form = event.detail.elt.closest("form[data-draft]");
    draftSent = form ? form.dataset.draft : "";
    // htmx sends the request itself: the page is not left, so no "sent" marker.
    sessionStorage.removeItem(SENT);
  });
  document.addEventListener("htmx:beforeSwap", () => {
    focusedId = document.activeElement ? document.activeElement.id : "";
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const settled = event.target;
    if (!settled || !settled.querySelector) return;
    const invalid = settled.querySelector(".is-invalid");
    if (invalid) {
      const region = document.getElementById("messages");
      const feedback = settled.querySelector(".invalid-feedback");
      const problem = region ? region.dataset.problem : "";
      announce(`${problem} ${feedback ? feedback.textContent.trim() : ""}`);
      invalid.focus();
      return;
    }
    if (draftSent && settled.querySelector(`form[data-draft='${draftSent}']`)) {
      clearDraft(draftSent);
      draftSent = "";
    }
    const active = document.activeElement;
    if (focusedId && (!active || active === document.body || !active.isConnected)) {
      const again = document.getElementById(focusedId);
      if (again) again.focus();
    }
  });
})();

// "Print in large print" beside an easy-read text: the print stylesheet does the rest.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
