"""HF transformers' Trainer on a UCF101-layout folder, as the HF video-classification guide runs it
(reference-semantics §7): the Python side of tools/trainer-parity (run.js starts it).

  python hf_trainer.py --data DIR --model DIR --output DIR --record OUT.json
                       [--epochs 20 --lr 1e-3 --batch-size 8 --seed 42 --min-size 37 --max-size 46]

The pipeline is tools/trainer-parity/hf_pipeline.py (the guide's pytorchvideo chain). The guide's
TrainingArguments (§7.6) with the given hyperparameters, max_steps = (num_videos // batch) × epochs,
except logging_steps=1 so that log_history holds every step's loss and learning rate (logging does
not change training). One torch thread, num_workers 0. OUT.json: log history, per step (pass of the
train set it came from, clips, lr), evaluations, test metrics, and every sampler/augmentation draw.
"""
import argparse
import json
import os
import sys

import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

import numpy as np  # noqa: E402
from transformers import Trainer, TrainingArguments, VideoMAEForVideoClassification  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_pipeline as P  # noqa: E402


class ParityTrainer(Trainer):
    """Records, per optimizer step, which pass of the train set its batch came from and its clips."""

    parity_steps = None

    def training_step(self, model, inputs, num_items_in_batch=None):
        passes = inputs.pop("parity_pass")
        self.parity_steps.append(
            {
                "step": self.state.global_step + 1,
                "pass": int(passes[0]),
                "clips": int(inputs["labels"].shape[0]),
                "lr": float(self.lr_scheduler.get_last_lr()[0]),  # before optimizer.step(): the lr this update uses
            }
        )
        return super().training_step(model, inputs, num_items_in_batch)

    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        inputs.pop("parity_pass", None)
        return super().prediction_step(model, inputs, prediction_loss_only, ignore_keys)


def compute_metrics(eval_pred):
    predictions = np.argmax(eval_pred.predictions, axis=1)  # the guide: evaluate's accuracy, per clip
    return {"accuracy": float(np.mean(predictions == eval_pred.label_ids))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sample-rate", type=int, default=4)
    parser.add_argument("--fps", type=float, default=30)
    parser.add_argument("--min-size", type=int, required=True, help="RandomShortSideScale min (256 scaled to the model)")
    parser.add_argument("--max-size", type=int, required=True, help="RandomShortSideScale max (320 scaled to the model)")
    parser.add_argument("--no-flip", action="store_true")
    args = parser.parse_args()

    model = VideoMAEForVideoClassification.from_pretrained(args.model)
    with open(os.path.join(args.model, "preprocessor_config.json")) as fh:
        processor = json.load(fh)
    mean, std = processor["image_mean"], processor["image_std"]
    size = processor["size"]
    resize_to = (size["shortest_edge"],) * 2 if "shortest_edge" in size else (size["height"], size["width"])
    num_frames = model.config.num_frames
    clip_duration = num_frames * args.sample_rate / args.fps  # the guide: 16 · 4 / 30 (a fixed 30 fps)

    recorder = P.Recorder()
    train_tf = P.train_transform(mean, std, num_frames, args.min_size, args.max_size, resize_to, recorder, flip=not args.no_flip)
    val_tf = P.val_transform(mean, std, num_frames, resize_to, recorder)
    train = P.LabeledVideoDataset(os.path.join(args.data, "train"), P.RandomClipSampler(clip_duration), train_tf, recorder, "train")
    val = P.LabeledVideoDataset(os.path.join(args.data, "val"), P.UniformClipSampler(clip_duration), val_tf, recorder, "val")
    test = P.LabeledVideoDataset(os.path.join(args.data, "test"), P.UniformClipSampler(clip_duration), val_tf, recorder, "test")
    if train.classes != [model.config.id2label[i] for i in range(len(train.classes))]:
        raise SystemExit(f"label order differs: folders {train.classes} vs model {model.config.id2label}")

    max_steps = (train.num_videos // args.batch_size) * args.epochs  # the guide's formula
    training_args = TrainingArguments(
        output_dir=args.output,
        remove_unused_columns=False,
        eval_strategy="epoch",
        save_strategy="epoch",
        learning_rate=args.lr,
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        warmup_steps=0.1,
        logging_steps=1,
        load_best_model_at_end=True,
        metric_for_best_model="accuracy",
        save_total_limit=2,
        push_to_hub=False,
        max_steps=max_steps,
        seed=args.seed,
        report_to="none",
        use_cpu=True,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    trainer = ParityTrainer(
        model=model,
        args=training_args,
        train_dataset=train,
        eval_dataset=val,
        compute_metrics=compute_metrics,
        data_collator=P.collate_fn,
    )
    trainer.parity_steps = []
    trainer.train()
    test_metrics = trainer.evaluate(test, metric_key_prefix="test")

    record = {
        "stack": "transformers",
        "versions": {"torch": torch.__version__, "transformers": __import__("transformers").__version__},
        "args": vars(args),
        "clip_duration": clip_duration,
        "resize_to": list(resize_to),
        "classes": train.classes,
        "num_videos": {"train": train.num_videos, "val": val.num_videos, "test": test.num_videos},
        "max_steps": max_steps,
        "optimizer": type(trainer.optimizer.optimizer if hasattr(trainer.optimizer, "optimizer") else trainer.optimizer).__name__,
        "param_groups": [
            {"weight_decay": g["weight_decay"], "params": len(g["params"])} for g in trainer.optimizer.param_groups
        ],
        "max_grad_norm": training_args.max_grad_norm,
        "warmup": training_args.get_warmup_steps(max_steps),
        "steps": trainer.parity_steps,
        "log_history": trainer.state.log_history,
        "best_metric": trainer.state.best_metric,
        "best_model_checkpoint": trainer.state.best_model_checkpoint,
        "test": test_metrics,
        "draws": recorder.samples,
    }
    with open(args.record, "w") as fh:
        json.dump(record, fh, indent=1, default=float)
    print(f"hf_trainer: test accuracy {test_metrics['test_accuracy']:.4f}, {len(trainer.parity_steps)} steps -> {args.record}")


if __name__ == "__main__":
    main()
