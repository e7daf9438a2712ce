/* Tuntas proof-of-work: solves the server's altcha challenge (v2, SHA-256, deterministic
 * counter) and puts the answer in the form's hidden "altcha" field.
 *
 * Markup (complaints/_pow.html):
 *   <div data-pow-challenge='{"parameters": {...}, "signature": "...", "maxNumber": N}'>
 *     <input type="hidden" name="altcha">
 *     <p data-pow-state="nojs">…</p> <p data-pow-state="working" hidden>…</p>
 *     <p data-pow-state="done" hidden>…</p> <p data-pow-state="failed" hidden>…</p>
 *   </div>
 * All texts come translated from the server; this file holds none. No network requests.
 */
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var W = new Uint32Array(64);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  /* SHA-256 of a byte array (FIPS 180-4); returns 32 bytes. Synchronous, so it also works on
   * plain-HTTP origins where crypto.subtle does not exist. */
  function sha256(bytes) {
    var length = bytes.length;
    var blocks = ((length + 9 + 63) >> 6) << 6;
    var data = new Uint8Array(blocks);
    data.set(bytes);
    data[length] = 0x80;
    var bits = length * 8;
    data[blocks - 4] = (bits >>> 24) & 0xff;
    data[blocks - 3] = (bits >>> 16) & 0xff;
    data[blocks - 2] = (bits >>> 8) & 0xff;
    data[blocks - 1] = bits & 0xff;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
    var h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var offset = 0; offset < blocks; offset += 64) {
      var i;
      for (i = 0; i < 16; i++) {
        var j = offset + i * 4;
        W[i] = (data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3];
      }
      for (i = 16; i < 64; i++) {
        var s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
        var s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (i = 0; i < 64; i++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var ch = (e & f) ^ (~e & g);
        var t1 = (h + S1 + ch + K[i] + W[i]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    var out = new Uint8Array(32);
    [h0, h1, h2, h3, h4, h5, h6, h7].forEach(function (word, k) {
      out[k * 4] = (word >>> 24) & 0xff;
      out[k * 4 + 1] = (word >>> 16) & 0xff;
      out[k * 4 + 2] = (word >>> 8) & 0xff;
      out[k * 4 + 3] = word & 0xff;
    });
    return out;
  }

  function fromHex(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }

  function toHex(bytes) {
    var hex = "";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return hex;
  }

  function show(box, state) {
    box.querySelectorAll("[data-pow-state]").forEach(function (element) {
      element.hidden = element.getAttribute("data-pow-state") !== state;
    });
  }

  /* altcha v2 with SHA-256 and cost 1: key = SHA-256(salt || nonce || uint32be(counter));
   * the answer is the counter whose key starts with keyPrefix. */
  function solve(challenge, onDone) {
    var p = challenge.parameters;
    var salt = fromHex(p.salt), nonce = fromHex(p.nonce), prefix = p.keyPrefix.toLowerCase();
    var input = new Uint8Array(salt.length + nonce.length + 4);
    input.set(salt);
    input.set(nonce, salt.length);
    var tail = salt.length + nonce.length;
    var max = challenge.maxNumber || 1000000, counter = 0, started = Date.now();
    (function chunk() {
      var stop = Math.min(counter + 5000, max + 1);
      for (; counter < stop; counter++) {
        input[tail] = (counter >>> 24) & 0xff;
        input[tail + 1] = (counter >>> 16) & 0xff;
        input[tail + 2] = (counter >>> 8) & 0xff;
        input[tail + 3] = counter & 0xff;
        var key = sha256(input).subarray(0, p.keyLength || 32);
        if (toHex(key.subarray(0, prefix.length / 2)) === prefix) {
          onDone({ counter: counter, derivedKey: toHex(key), time: Date.now() - started });
          return;
        }
      }
      if (counter > max) { onDone(null); return; }
      window.setTimeout(chunk, 0);
    })();
  }

  function start(box) {
    var challenge = JSON.parse(box.getAttribute("data-pow-challenge"));
    var field = box.querySelector("input[name=altcha]");
    var form = field.form;
    var solved = false, sendWhenSolved = false, submitter = null;
    show(box, "working");
    form.addEventListener("submit", function (event) {
      if (!solved) { event.preventDefault(); sendWhenSolved = true; submitter = event.submitter; }
    });
    solve(challenge, function (solution) {
      if (solution === null) { show(box, "failed"); return; }
      field.value = window.btoa(JSON.stringify({
        challenge: { parameters: challenge.parameters, signature: challenge.signature },
        solution: solution
      }));
      solved = true;
      show(box, "done");
      if (!sendWhenSolved) return;
      if (form.requestSubmit) form.requestSubmit(submitter || null);
      else form.submit();
    });
  }

  function init() {
    document.querySelectorAll("[data-pow-challenge]").forEach(start);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.tuntasPow = { sha256: sha256, toHex: toHex };
})();
