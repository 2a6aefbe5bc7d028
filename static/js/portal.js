/* The partner community's manners on top of the Lightning Design System: toasts that float and fade,
 * modals that dim the page and keep the keyboard inside, record tabs that switch in place, copy buttons.
 *
 * Loaded once by base.html; pages carry no inline script (they run under a Content-Security-Policy) and
 * say what they want with data- attributes. Every page still reads without this file: toasts then simply
 * stay, modal openers are links to a confirmation page, and tabs are links to ?tab=… .
 */
(function () {
  "use strict";

  document.documentElement.classList.add("portal-js");

  var TOAST_MS = 6000;          // success and info: long enough to read twice
  var TOAST_ALERT_MS = 10000;   // warnings and errors stay longer
  var TOAST_FADE_MS = 300;      // the fade-out in portal.css
  var FOCUSABLE = [
    "a[href]", "area[href]", "button:not([disabled])", "input:not([disabled]):not([type='hidden'])",
    "select:not([disabled])", "textarea:not([disabled])", "[tabindex]:not([tabindex='-1'])",
    "[contenteditable='true']"
  ].join(",");

  function each(root, selector, callback) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), callback);
  }

  // Run `setup` once per element, however many times new content arrives (page load, htmx swaps).
  function once(element, key, setup) {
    var flag = "portal" + key;
    if (element.dataset[flag]) { return; }
    element.dataset[flag] = "1";
    setup(element);
  }

  // --- toasts: slds-notify_toast in the slds-notify_container of base.html --------------------------------------

  function dismissToast(toast) {
    if (toast.dataset.portalLeaving) { return; }
    toast.dataset.portalLeaving = "1";
    var hadFocus = toast.contains(document.activeElement);
    toast.classList.add("portal-toast_leaving");
    window.setTimeout(function () {
      toast.remove();
      if (hadFocus) { focusMain(); }
    }, TOAST_FADE_MS);
  }

  function setupToast(toast) {
    var urgent = toast.classList.contains("slds-theme_error") || toast.classList.contains("slds-theme_warning");
    var delay = Number(toast.dataset.toastDelay) || (urgent ? TOAST_ALERT_MS : TOAST_MS);
    var timer = null;
    // Timing adjustable (WCAG 2.2.1): a toast under the pointer or holding the focus waits.
    function start() { stop(); timer = window.setTimeout(function () { dismissToast(toast); }, delay); }
    function stop() { if (timer) { window.clearTimeout(timer); timer = null; } }
    toast.addEventListener("mouseenter", stop);
    toast.addEventListener("mouseleave", start);
    toast.addEventListener("focusin", stop);
    toast.addEventListener("focusout", function (event) {
      if (!toast.contains(event.relatedTarget)) { start(); }
    });
    each(toast, "[data-toast-close]", function (button) {
      button.addEventListener("click", function () { dismissToast(toast); });
    });
    start();
  }

  function focusMain() {
    var main = document.getElementById("main");
    if (main) { main.focus({ preventScroll: true }); }
  }

  // --- modals: section.slds-modal + div.slds-backdrop ------------------------------------------------------------
  // Opened from [data-modal-open="<id>"] (closed with [data-modal-close="<id>"]), or rendered open by the server
  // or an htmx swap; those close through their [data-modal-cancel] link, which the server answers.

  var active = null;            // {modal, opener} of the open modal
  var lastFocusOutside = null;  // where the focus was before a modal took it

  function visibleFocusables(modal) {
    return Array.prototype.filter.call(modal.querySelectorAll(FOCUSABLE), function (element) {
      return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
    });
  }

  function backdropOf(modal) {
    var backdrop = modal.id ? document.getElementById(modal.id + "-backdrop") : null;
    if (!backdrop && modal.nextElementSibling && modal.nextElementSibling.classList.contains("slds-backdrop")) {
      backdrop = modal.nextElementSibling;
    }
    return backdrop;
  }

  function activateModal(modal, opener) {
    active = { modal: modal, opener: opener || lastFocusOutside };
    document.body.classList.add("portal-modal-open");
    var backdrop = backdropOf(modal);
    if (backdrop) { backdrop.classList.add("slds-backdrop_open"); }
    var target = modal.querySelector("[autofocus]") || visibleFocusables(modal)[0] || modal;
    target.focus();
  }

  function deactivateModal() {
    var opener = active && active.opener;
    active = null;
    document.body.classList.remove("portal-modal-open");
    if (opener && document.body.contains(opener)) { opener.focus(); }
  }

  function openModal(modal, opener) {
    modal.classList.add("slds-fade-in-open");
    modal.removeAttribute("aria-hidden");
    activateModal(modal, opener);
  }

  function closeModal(modal) {
    var cancel = modal.querySelector("[data-modal-cancel]");
    if (cancel) { cancel.click(); return; }   // the server closes it (htmx swap or a page load)
    modal.classList.remove("slds-fade-in-open");
    modal.setAttribute("aria-hidden", "true");
    var backdrop = backdropOf(modal);
    if (backdrop) { backdrop.classList.remove("slds-backdrop_open"); }
    deactivateModal();
  }

  function modalById(id) {
    var modal = document.getElementById(id);
    return modal && modal.classList.contains("slds-modal") ? modal : null;
  }

  function setupModalOpener(opener) {
    opener.addEventListener("click", function (event) {
      var modal = modalById(opener.dataset.modalOpen);
      if (!modal) { return; }      // no modal on this page: the link opens its confirmation page
      event.preventDefault();
      openModal(modal, opener);
    });
  }

  function setupModalCloser(closer) {
    closer.addEventListener("click", function () {
      var modal = modalById(closer.dataset.modalClose);
      if (modal) { closeModal(modal); }
    });
  }

  // After new content: a modal that went away gives the focus back; one that arrived open takes it.
  function syncModals() {
    if (active && (!document.body.contains(active.modal) || !active.modal.classList.contains("slds-fade-in-open"))) {
      deactivateModal();
    }
    if (!active) {
      var open = document.querySelector(".slds-modal.slds-fade-in-open");
      if (open) { activateModal(open, null); }
    }
  }

  function trapTab(event) {
    var items = visibleFocusables(active.modal);
    if (!items.length) { event.preventDefault(); active.modal.focus(); return; }
    var first = items[0];
    var last = items[items.length - 1];
    var current = document.activeElement;
    var inside = active.modal.contains(current);
    if (event.shiftKey && (current === first || current === active.modal || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (current === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (!active) { return; }
    if (event.key === "Escape") {
      event.preventDefault();
      closeModal(active.modal);
    } else if (event.key === "Tab") {
      trapTab(event);
    }
  });

  document.addEventListener("focusin", function (event) {
    if (!active) {
      // An htmx swap may focus a modal's [autofocus] before the modal is set up: that is no opener.
      if (!event.target.closest(".slds-modal")) { lastFocusOutside = event.target; }
    } else if (!active.modal.contains(event.target)) {
      // A click or script put the focus behind the modal: bring it back.
      var items = visibleFocusables(active.modal);
      (items[0] || active.modal).focus();
    }
  });

  // --- record tabs: .slds-tabs_default[data-portal-tabs] ---------------------------------------------------------
  // Without JS each tab is a link to ?tab=<name> and the server renders that panel. With JS, when every panel
  // is on the page, the tabs switch in place (ARIA tabs: arrow keys, Home/End, one tab stop).

  function setupTabs(container) {
    var tabs = Array.prototype.slice.call(container.querySelectorAll("[role='tab']"));
    var panels = tabs.map(function (tab) { return document.getElementById(tab.getAttribute("aria-controls")); });
    if (!tabs.length || panels.some(function (panel) { return !panel; })) { return; }

    function select(index, moveFocus) {
      tabs.forEach(function (tab, i) {
        var selected = i === index;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.setAttribute("tabindex", selected ? "0" : "-1");
        tab.parentElement.classList.toggle("slds-is-active", selected);
        panels[i].classList.toggle("slds-show", selected);
        panels[i].classList.toggle("slds-hide", !selected);
      });
      if (moveFocus) { tabs[index].focus(); }
      var name = tabs[index].dataset.tab;
      if (name && window.history.replaceState) {
        var url = new URL(window.location.href);
        url.searchParams.set("tab", name);
        window.history.replaceState(window.history.state, "", url);
      }
    }

    tabs.forEach(function (tab, index) {
      tab.setAttribute("tabindex", tab.getAttribute("aria-selected") === "true" ? "0" : "-1");
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        select(index, false);
      });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) { return; }
        event.preventDefault();
        select((next + tabs.length) % tabs.length, true);
      });
    });
  }

  // --- copy buttons: [data-copy="<selector of a text input>"] -----------------------------------------------------

  function setupCopy(button) {
    button.addEventListener("click", function () {
      var input = document.querySelector(button.dataset.copy);
      if (!input) { return; }
      input.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(input.value); } else { document.execCommand("copy"); }
      button.textContent = button.dataset.copiedLabel || "Copied";
    });
  }

  // --- wiring ----------------------------------------------------------------------------------------------------

  function setup(root) {
    each(root, ".slds-notify_container .slds-notify_toast", function (el) { once(el, "Toast", setupToast); });
    each(root, "[data-modal-open]", function (el) { once(el, "ModalOpen", setupModalOpener); });
    each(root, "[data-modal-close]", function (el) { once(el, "ModalClose", setupModalCloser); });
    each(root, "[data-portal-tabs]", function (el) { once(el, "Tabs", setupTabs); });
    each(root, "[data-copy]", function (el) { once(el, "Copy", setupCopy); });
    syncModals();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setup(document); });
  } else {
    setup(document);
  }
  // htmx swaps in table pages, wizard screens and modals: set up what they bring.
  document.addEventListener("htmx:afterSettle", function () { setup(document); });
})();
