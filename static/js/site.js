/* Progressive enhancement only: every page works without this file.
 *
 * - "My children": birth month and year kept in localStorage (never sent anywhere); filters /aanbod/ and
 *   /agenda/ by the first child's age (only the age goes into the URL, once per visit) and marks the
 *   matching life stages on /.
 * - The error summary of a failed form gets the focus (GOV.UK pattern).
 * - The sort select submits itself; the filter panel opens on wide screens; the poster's print button.
 */
(function () {
  "use strict";

  var KEY = "hvhk-kinderen";
  var APPLIED = "hvhk-kinderen-toegepast";

  function load() {
    try {
      var kids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(kids)
        ? kids.filter(function (k) {
            return k && Number.isInteger(k.y) && Number.isInteger(k.m) && k.m >= 1 && k.m <= 12;
          })
        : [];
    } catch (e) {
      return [];
    }
  }

  function save(kids) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(kids));
      return true;
    } catch (e) {
      return false; // private mode or storage disabled: the page simply forgets
    }
  }

  /* Age in whole years, or -1 for a baby that is still expected. */
  function age(kid) {
    var now = new Date();
    var months = (now.getFullYear() - kid.y) * 12 + (now.getMonth() + 1 - kid.m);
    return months < 0 ? -1 : Math.floor(months / 12);
  }

  /* The value of the leeftijd filter for a child: a life stage for an expected baby, else the age. */
  function leeftijdValue(kid) {
    var years = age(kid);
    return years < 0 ? "aanstaand" : String(years);
  }

  function stageOf(kid) {
    var years = age(kid);
    if (years < 0) return "aanstaand";
    if (years < 3) return "0-3";
    if (years < 6) return "3-6";
    if (years < 12) return "6-12";
    if (years < 18) return "12-18";
    return null;
  }

  function label(box, kid) {
    var years = age(kid);
    if (years < 0) return box.dataset.labelExpecting;
    if (years === 0) return box.dataset.labelBaby;
    if (years === 1) return box.dataset.labelOne;
    return box.dataset.labelYears.replace("__N__", String(years));
  }

  function linkFor(box, kid) {
    var url;
    if (box.dataset.target === "list") {
      url = new URL(window.location.href);
      url.searchParams.delete("page");
    } else {
      url = new URL(box.dataset.listUrl, window.location.href);
    }
    url.searchParams.set("leeftijd", leeftijdValue(kid));
    return url.pathname + url.search;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function render(box) {
    var kids = load();
    var list = box.querySelector("[data-kids-list]");
    var template = box.querySelector("[data-kid-template]");
    list.textContent = "";
    kids.forEach(function (kid, index) {
      var item = template.content.firstElementChild.cloneNode(true);
      var link = item.querySelector("[data-kid-link]");
      link.href = linkFor(box, kid);
      link.textContent = label(box, kid) + " (" + pad(kid.m) + "/" + kid.y + ")";
      item.querySelector("[data-kid-remove-label]").textContent = " " + link.textContent;
      item.querySelector("[data-kid-remove]").addEventListener("click", function () {
        var current = load();
        current.splice(index, 1);
        save(current);
        render(box);
        mark();
      });
      list.appendChild(item);
    });
    var details = box.querySelector("details");
    if (kids.length && details && !box.dataset.rendered) details.open = true;
    box.dataset.rendered = "1";
  }

  /* Mark the life-stage choices on / and pre-select the age on the filter form. */
  function mark() {
    var kids = load();
    var stages = kids.map(stageOf);
    document.querySelectorAll("[data-stage]").forEach(function (chip) {
      chip.classList.toggle("is-mine", stages.indexOf(chip.dataset.stage) !== -1);
    });
    var select = document.getElementById("id_leeftijd");
    var params = new URLSearchParams(window.location.search);
    if (select && kids.length && !params.has("leeftijd") && !select.value) {
      var value = leeftijdValue(kids[0]);
      if (select.querySelector('option[value="' + value + '"]')) select.value = value;
    }
  }

  /* On a list page, a saved child filters the list (once per visit: a removed age chip stays removed). */
  function applyKid() {
    var box = document.querySelector('[data-my-kids][data-target="list"]');
    var kids = load();
    var params = new URLSearchParams(window.location.search);
    if (!box || !kids.length || params.has("leeftijd")) return false;
    try {
      if (window.sessionStorage.getItem(APPLIED)) return false;
      window.sessionStorage.setItem(APPLIED, "1");
    } catch (e) {
      return false;
    }
    window.location.replace(linkFor(box, kids[0]));
    return true;
  }

  function setUpKids() {
    if (applyKid()) return;
    var boxes = document.querySelectorAll("[data-my-kids]");
    boxes.forEach(function (box) {
      box.hidden = false;
      render(box);
      var form = box.querySelector("[data-kid-form]");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var kid = { m: parseInt(form.maand.value, 10), y: parseInt(form.jaar.value, 10) };
        var kids = load();
        if (kids.length < 10) kids.push(kid);
        save(kids);
        render(box);
        mark();
        if (kids.length === 1) applyKid();
      });
    });
    mark();
  }

  function setUpSort() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      var form = select.form;
      if (!form) return;
      var button = document.querySelector("[data-autosubmit-button]");
      if (button) button.hidden = true;
      select.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      });
    });
  }

  function setUpFilters() {
    var panel = document.querySelector("details[data-filters]");
    if (panel && window.matchMedia("(min-width: 60rem)").matches) panel.open = true;
  }

  function setUpPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  /* The error summary (GOV.UK pattern): focus it on load; its links focus the field and show its label. */
  function setUpErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = field.closest("fieldset") || document.querySelector("label[for='" + field.id + "']") || field;
      label.scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  function start() {
    setUpErrorSummary();
    setUpKids();
    setUpSort();
    setUpFilters();
    setUpPrint();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
