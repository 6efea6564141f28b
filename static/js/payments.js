// Stripe.js on the card, direct debit and automatic payment pages. Card details and IBANs go from
// the browser to Stripe only. Card payment: our server created the PaymentIntent, Stripe.js confirms it
// with the card (3-D Secure there, once, when the bank asks) and our server then reads its outcome.
// Debit mandates and saved cards: a SetupIntent, whose id our server receives and then charges.
(function () {
  "use strict";
  // Pay page: a new amount may change the methods offered (policy), so ask the server again.
  var refresh = document.querySelector("[data-pay-refresh]");
  if (refresh) {
    var amount = refresh.form.querySelector("input[name=amount]");
    amount.addEventListener("change", function () {
      refresh.form.requestSubmit ? refresh.form.requestSubmit(refresh) : refresh.click();
    });
  }

  var root = document.querySelector("[data-stripe-key]");
  if (!root || typeof window.Stripe !== "function") {
    return;
  }
  var stripe = window.Stripe(root.getAttribute("data-stripe-key"));

  function showError(form, message) {
    var box = form.querySelector("[data-stripe-error]");
    if (box) {
      box.textContent = message || "";
      box.hidden = !message;
    }
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = busy;
    });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  // Confirm the SetupIntent in the browser, then post its id to our server (once: a double click waits).
  function handleSetup(form, confirm) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") {
        return;
      }
      showError(form, "");
      setBusy(form, true);
      confirm().then(function (result) {
        if (result.error) {
          showError(form, result.error.message);
          setBusy(form, false);
          return;
        }
        form.querySelector("input[name=setup_intent]").value = result.setupIntent.id;
        HTMLFormElement.prototype.submit.call(form);
      }, function (error) {
        showError(form, (error && error.message) || String(error));
        setBusy(form, false);
      });
    });
  }

  document.querySelectorAll("form[data-card-setup]").forEach(function (form) {
    var card = stripe.elements().create("card");
    card.mount(form.querySelector("[data-card-element]"));
    handleSetup(form, function () {
      return stripe.confirmCardSetup(form.getAttribute("data-card-setup"), { payment_method: { card: card } });
    });
  });

  // Pay by card: one confirmCardPayment. An error Stripe answers about the PaymentIntent (declined, 3-D
  // Secure failed) goes to our server, which records it; a card field not filled in stays on the page.
  document.querySelectorAll("form[data-card-payment]").forEach(function (form) {
    var card = stripe.elements().create("card");
    card.mount(form.querySelector("[data-card-element]"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") {
        return;
      }
      showError(form, "");
      setBusy(form, true);
      stripe.confirmCardPayment(form.getAttribute("data-card-payment"), {
        payment_method: { card: card, billing_details: { email: form.getAttribute("data-billing-email") } },
      }).then(function (result) {
        if (result.error && !result.error.payment_intent) {
          showError(form, result.error.message);
          setBusy(form, false);
          return;
        }
        HTMLFormElement.prototype.submit.call(form);
      }, function (error) {
        showError(form, (error && error.message) || String(error));
        setBusy(form, false);
      });
    });
  });

  document.querySelectorAll("form[data-sepa-setup]").forEach(function (form) {
    handleSetup(form, function () {
      var accepted = form.querySelector("input[name=mandate_accepted]");
      if (accepted && !accepted.checked) {
        return Promise.resolve({ error: { message: accepted.getAttribute("data-required-message") || "Accept the mandate to pay by direct debit." } });
      }
      return stripe.confirmSepaDebitSetup(form.getAttribute("data-sepa-setup"), {
        payment_method: {
          sepa_debit: { iban: form.querySelector("[data-iban]").value.replace(/\s+/g, "") },
          billing_details: {
            name: form.querySelector("input[name=account_holder]").value,
            email: form.querySelector("input[name=email]").value,
          },
        },
      });
    });
  });

  // ACH direct debit (real Stripe.js only: localstripe's stand-in has no us_bank_account).
  document.querySelectorAll("form[data-ach-setup]").forEach(function (form) {
    handleSetup(form, function () {
      var secret = form.getAttribute("data-ach-setup");
      var accepted = form.querySelector("input[name=mandate_accepted]");
      if (accepted && !accepted.checked) {
        return Promise.resolve({ error: { message: accepted.getAttribute("data-required-message") } });
      }
      if (typeof stripe.collectBankAccountForSetup !== "function") {
        return Promise.resolve({ error: { message: "ACH direct debit is not available here." } });
      }
      return stripe.collectBankAccountForSetup({
        clientSecret: secret,
        params: {
          payment_method_type: "us_bank_account",
          payment_method_data: {
            billing_details: {
              name: form.querySelector("input[name=account_holder]").value,
              email: form.querySelector("input[name=email]").value,
            },
          },
        },
      }).then(function (result) {
        if (result.error || result.setupIntent.status !== "requires_confirmation") {
          return result;
        }
        return stripe.confirmUsBankAccountSetup(secret);
      });
    });
  });

  // 3-D Secure: the bank's challenge, then our server reads the outcome.
  var action = document.querySelector("form[data-action-secret]");
  if (action) {
    stripe.confirmCardPayment(action.getAttribute("data-action-secret")).then(function () {
      HTMLFormElement.prototype.submit.call(action);
    });
  }
})();
