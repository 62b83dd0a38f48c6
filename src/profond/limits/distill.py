"""Knowledge distillation: a student fits a teacher's logits (Ba & Caruana 2014, L2 on logits) or
its softened probabilities (Hinton et al. 2015, temperature T). One function serves
deep-vs-shallow (mimic nets) and compression (small students).
"""

import numpy as np

from profond.checks import check_choice, check_positive

MODES = ("l2", "kd")


class DistillLoss:
    """l2: mean_n ||z_s - z_t||^2 / C;  kd: T^2 KL(softmax(z_t / T) || softmax(z_s / T)).

    student (N, C), teacher logits (N, C) -> scalar. Mirrors torch.nn.MSELoss / KLDivLoss.
    """

    def __init__(self, mode: str = "l2", temperature: float = 1.0):
        self.mode = check_choice("mode", mode, MODES)
        self.temperature = check_positive("temperature", temperature)

    def __call__(self, student, teacher):
        import torch.nn.functional as F

        if self.mode == "l2":
            return F.mse_loss(student, teacher)
        T = self.temperature
        # T^2 keeps the gradient scale of the soft targets independent of T (Hinton et al.)
        return T * T * F.kl_div(F.log_softmax(student / T, 1), F.log_softmax(teacher / T, 1),
                                reduction="batchmean", log_target=True)


def distill(student, teacher_logits: np.ndarray, X: np.ndarray, *, mode: str = "l2",
            temperature: float = 1.0, epochs: int, lr: float = 1e-3, seed: int = 0):
    """Train `student` on (X, teacher logits) with DistillLoss through the one Trainer.

    X (N, ...) and teacher_logits (N, C); returns the student's training History.
    """
    from profond.train.recipe import fit_model

    _, history = fit_model(student, (X, teacher_logits.astype(np.float32)), epochs=epochs, lr=lr,
                     seed=seed, task="regression", loss_fn=DistillLoss(mode, temperature),
                     eval_train=False)
    return history
