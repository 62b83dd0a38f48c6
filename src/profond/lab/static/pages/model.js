// The trained CNN's status and the Train button, shared by the CNN and few-shot pages.

import { t } from "/static/js/i18n.js";
import { $, fmt } from "./common.js";

// options.data(): the dataset the page works on ("digits" unless the page offers a choice);
// options.onStatus(message): every status for that dataset, e.g. to see which ones are downloaded.
export function modelPanel(getSend, onReady, options = {}) {
  const data = options.data ?? (() => "digits");
  let status = null;
  const show = () => {
    $("model-status").textContent = !status ? "" : status.trained
      ? `${t("trained")} ${fmt(100 * status.val_acc, 1)} %`
      : t(data() === "mnist" ? "notTrainedMnist" : "notTrained");
  };
  const idle = () => {
    $("train").disabled = false;
    $("train-progress").hidden = true;
  };
  $("train").addEventListener("click", () => {
    $("train").disabled = true;
    $("train-progress").hidden = false;
    $("train-progress").value = 0;
    getSend()({ type: "cnn_train", epochs: Number($("train-epochs").value), data: data() });
  });
  return {
    show,
    handlers: {
      cnn_status: (message) => {
        if ((message.data ?? "digits") !== data()) return;  // an answer for the other dataset
        status = message;
        idle();
        show();
        options.onStatus?.(message);
        if (message.trained) onReady();
      },
      train_progress: (message) => {
        $("train-progress").value = message.epoch / message.of;
        $("model-status").textContent = `${t("training")} ${message.epoch}/${message.of} · ` +
          `${fmt(100 * message.val_acc, 1)} %`;
      },
    },
    // a refused training (no download, one already running) gives the button back
    failed: (message) => { if (["data", "train", "epochs"].includes(message.field)) idle(); },
    forget: () => { status = null; show(); },
    trained: () => Boolean(status?.trained),
  };
}
