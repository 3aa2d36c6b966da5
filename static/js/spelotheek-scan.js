/* The counter's camera: fills an item-code field from a label's QR code (or a barcode).
 * A progressive enhancement: only where the browser has BarcodeDetector and a camera; typing always
 * works. No inline script, no inline style (the strict CSP holds): styles are in spelotheek.css. */
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  function setup() {
    var labels = document.querySelector("[data-scan-start]");
    if (!labels) {
      return;
    }
    document.querySelectorAll("input[data-scan]").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button small secondary scan-button";
      button.textContent = labels.dataset.scanStart;
      var video = document.createElement("video");
      video.className = "scan-video";
      video.setAttribute("playsinline", "");
      video.setAttribute("muted", "");
      video.hidden = true;
      input.insertAdjacentElement("afterend", video);
      input.insertAdjacentElement("afterend", button);
      var stream = null;
      function stop() {
        if (stream) {
          stream.getTracks().forEach(function (track) { track.stop(); });
        }
        stream = null;
        video.hidden = true;
        button.textContent = labels.dataset.scanStart;
      }
      button.addEventListener("click", function () {
        if (stream) {
          stop();
          return;
        }
        var detector = new window.BarcodeDetector();
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
          .then(function (s) {
            stream = s;
            video.srcObject = s;
            video.hidden = false;
            button.textContent = labels.dataset.scanStop;
            return video.play();
          })
          .then(function loop() {
            if (!stream) {
              return;
            }
            detector.detect(video).then(function (codes) {
              if (codes.length) {
                input.value = codes[0].rawValue;
                stop();
                var submit = input.form && input.form.querySelector("[type=submit]");
                (submit || input).focus();
              } else {
                window.requestAnimationFrame(loop);
              }
            }).catch(function () { window.requestAnimationFrame(loop); });
          })
          .catch(stop);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
