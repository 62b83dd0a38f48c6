// The trained CNN's status and the Train button, shared by the CNN and few-shot pages.

import { t } from "/static/js/i18n.js";
import { $, fmt } from "./common.js";

export function modelPanel(getSend, onReady) {
  let status = null;
  const show = () => {
    $("model-status").textContent = !status ? "" : status.trained
      ? `${t("trained")} ${fmt(100 * status.val_acc, 1)} %` : t("notTrained");
  };
  $("train").addEventListener("click", () => {
    $("train").disabled = true;
    $("train-progress").hidden = false;
    $("train-progress").value = 0;
    getSend()({ type: "cnn_train", epochs: Number($("train-epochs").value) });
  });
  return {
    show,
    handlers: {
      cnn_status: (message) => {
        status = message;
        $("train").disabled = false;
        $("train-progress").hidden = true;
        show();
        if (message.trained) onReady();
      },
      train_progress: (message) => {
        $("train-progress").value = message.epoch / message.of;
        $("model-status").textContent = `${t("training")} ${message.epoch}/${message.of} · ` +
          `${fmt(100 * message.val_acc, 1)} %`;
      },
    },
    trained: () => Boolean(status?.trained),
  };
}
