// Appended to localstripe's Stripe.js stand-in by portal/fakes.py (make run and the tests, on loopback).
// What real Stripe.js does and localstripe's stand-in does not:
// - confirmCardPayment(clientSecret, {payment_method: {card: cardElement, billing_details}}) confirms the
//   PaymentIntent with the card details (the fake decides by the test card number, as Stripe's test mode
//   does), and opens the 3-D Secure window only when the PaymentIntent asks for it; without card details
//   it reads the PaymentIntent and opens the window only if it is waiting for 3-D Secure;
// - each 3-D Secure window that opens (payment or setup) dispatches `localstripe:three-d-secure` on window,
//   detail {intent: id}, once the window is in the page: the browser tests count these events.
(function () {
  "use strict";
  var challengeFor = null;
  var openWindow = openModal;

  openModal = function (text, confirmText, cancelText) {
    var answer = openWindow(text, confirmText, cancelText); // the window is in the page once this returns
    window.dispatchEvent(new CustomEvent("localstripe:three-d-secure", { detail: { intent: challengeFor } }));
    challengeFor = null;
    return answer;
  };

  async function call(method, path, body) {
    var response = await fetch(LOCALSTRIPE_BASE_API + path, {
      method: method,
      body: body ? JSON.stringify(body) : undefined,
    });
    var json = await response.json().catch(function () { return {}; });
    if (response.status !== 200 || json.error) {
      return { error: json.error || { message: "HTTP " + response.status } };
    }
    return { intent: json };
  }

  function cardData(method) {
    var data = Object.assign({}, method);
    if (data.card instanceof Element) {
      var value = data.card.value || { card: {}, postal_code: "" };
      data.card = value.card;
      data.billing_details = Object.assign({}, data.billing_details);
      data.billing_details.address = Object.assign({ postal_code: value.postal_code }, data.billing_details.address);
    }
    return Object.assign({ type: "card" }, data);
  }

  async function confirmCardPayment(apiKey, clientSecret, data) {
    var pi = clientSecret.match(/^(pi_\w+)_secret_/)[1];
    var auth = { key: apiKey, client_secret: clientSecret };
    var method = data && data.payment_method;
    var answer;
    if (method) {
      var body = Object.assign({ use_stripe_sdk: true }, auth);
      if (typeof method === "string") {
        body.payment_method = method;
      } else {
        body.payment_method_data = cardData(method);
      }
      if (data.setup_future_usage) {
        body.setup_future_usage = data.setup_future_usage;
      }
      answer = await call("POST", "/v1/payment_intents/" + pi + "/confirm", body);
    } else {
      answer = await call("GET", "/v1/payment_intents/" + pi + "?" + new URLSearchParams(auth));
    }
    if (answer.error) {
      return { error: answer.error };
    }
    var intent = answer.intent;
    if (intent.status === "requires_action") {
      challengeFor = pi;
      var success = await openModal("3D Secure\nDo you want to confirm or cancel?",
                                    "Complete authentication", "Fail authentication");
      answer = await call("POST", "/v1/payment_intents/" + pi + "/_authenticate?success=" + success, auth);
      if (answer.error) { // declined after 3-D Secure
        return { error: Object.assign({ type: "card_error", payment_intent: { id: pi } }, answer.error) };
      }
      intent = answer.intent;
      if (intent.status === "requires_payment_method") {
        return { error: {
          type: "card_error",
          code: "payment_intent_authentication_failure",
          message: (intent.last_payment_error || {}).message,
          payment_intent: intent,
        } };
      }
    }
    return { paymentIntent: intent };
  }

  var createStripe = Stripe;
  Stripe = function (apiKey) {
    var stripe = createStripe(apiKey);
    var confirmCardSetup = stripe.confirmCardSetup;
    stripe.confirmCardSetup = function (clientSecret, data) {
      challengeFor = clientSecret.split("_secret_")[0];
      return confirmCardSetup(clientSecret, data);
    };
    stripe.confirmCardPayment = function (clientSecret, data) {
      return confirmCardPayment(apiKey, clientSecret, data).catch(function (error) {
        return { error: (error && error.error) || { message: String(error) } };
      });
    };
    return stripe;
  };
})();
