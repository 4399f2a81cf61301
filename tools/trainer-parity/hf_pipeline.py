"""The HF video-classification guide's data pipeline (pytorchvideo's Ucf101 + the guide's transform
chains), re-implemented in plain torch + PyAV because pytorchvideo 0.1.5 cannot be installed next to
a current torchvision. Each piece follows /work/shared/docs/reference-semantics.md §8 (pytorchvideo
HEAD where 0.1.5 and HEAD differ, as lib/data does) and is instrumented: every clip-sampler draw and
every augmentation parameter of a sample goes into a Recorder, which tools/trainer-parity compares
with the draws of our native DataLoader.

RNG use is the guide's: the video order comes from a RandomSampler with its own torch.Generator()
(default seed, never reseeded with num_workers=0), the random clip start from Python's global
`random`, the scale/crop/flip draws from torch's global generator, in that order per sample.
"""
import io
import math
import os
import random
from fractions import Fraction

import av
import torch
import torch.nn.functional as F

VIDEO_EXTENSIONS = ("mp4", "avi")  # pytorchvideo's Ucf101 list, matched case-insensitively


class Recorder:
    """Collects one dict per emitted sample; the transforms add their parameters to `current`."""

    def __init__(self):
        self.samples = []
        self.current = None

    def begin(self, info):
        self.current = dict(info)

    def note(self, **params):
        if self.current is not None:
            self.current.update(params)

    def end(self):
        self.samples.append(self.current)
        self.current = None


# ---------------------------------------------------------------- LabeledVideoPaths (§8.1)
def labeled_video_paths(root):
    """Classes = sorted sub-folder names; files walked in sorted order (torchvision make_dataset)."""
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    items = []
    for index, name in enumerate(classes):
        for dirpath, dirnames, files in sorted(os.walk(os.path.join(root, name), followlinks=True)):
            dirnames.sort()
            for f in sorted(files):
                if f.lower().endswith(VIDEO_EXTENSIONS):
                    items.append((os.path.join(dirpath, f), index))
    return classes, items


# ---------------------------------------------------------------- EncodedVideoPyAV (§8.3)
def secs_to_pts(secs, time_base, start_pts):
    return math.inf if secs == math.inf else int(math.ceil(Fraction(secs) / time_base) + start_pts)


class PyAVVideo:
    def __init__(self, path):
        with open(path, "rb") as fh:
            self.container = av.open(io.BytesIO(fh.read()))  # pytorchvideo reads the file into memory
        stream = self.container.streams.video[0]
        self.stream = stream
        self.time_base = Fraction(stream.time_base)
        self.start_pts = 0 if stream.start_time is None else stream.start_time
        if stream.duration is not None:
            self.duration = Fraction(stream.duration - self.start_pts) * self.time_base
        else:  # pytorchvideo: decode everything, duration = pts of the LAST frame (not last + 1)
            frames = self._decode(0, math.inf)
            self.duration = Fraction(max(f.pts for f in frames) - self.start_pts) * self.time_base

    def _decode(self, start_pts, end_pts):
        # pytorchvideo _pyav_decode_stream: seek 1024 pts early to a keyframe, keep start <= pts <= end
        self.container.seek(int(max(start_pts - 1024, 0)), any_frame=False, backward=True, stream=self.stream)
        frames = {}
        for frame in self.container.decode(video=0):
            if start_pts <= frame.pts <= end_pts:
                frames[frame.pts] = frame
            elif frame.pts > end_pts:
                break
        return [frames[p] for p in sorted(frames)]

    def get_clip(self, start_sec, end_sec):
        """float32 (C,T,H,W) 0..255 of the frames with ceil(start/tb) <= pts - start_pts < ceil(end/tb), or None."""
        start_pts = secs_to_pts(start_sec, self.time_base, self.start_pts)
        end_pts = secs_to_pts(end_sec, self.time_base, self.start_pts)
        frames = [f for f in self._decode(start_pts, end_pts) if start_pts <= f.pts < end_pts]
        if not frames:
            return None, []
        video = torch.stack([torch.from_numpy(f.to_rgb().to_ndarray()) for f in frames])
        return video.permute(3, 0, 1, 2).to(torch.float32), [int(f.pts) for f in frames]

    def close(self):
        self.container.close()


# ---------------------------------------------------------------- clip samplers (§8.2)
class RandomClipSampler:
    def __init__(self, clip_duration):
        self.clip_duration = Fraction(clip_duration)

    def reset(self):
        pass

    def __call__(self, last_end, duration):
        start = Fraction(random.uniform(0, max(duration - self.clip_duration, 0)))
        return start, start + self.clip_duration, 0, True


class UniformClipSampler:
    """stride = clip duration, no backpad; last when the next clip would end > 1e-6 past the video (HEAD)."""

    def __init__(self, clip_duration, eps=1e-6):
        self.clip_duration = Fraction(clip_duration)
        self.eps = eps
        self.index = 0

    def reset(self):
        self.index = 0

    def __call__(self, last_end, duration):
        start = Fraction(0) if last_end is None else Fraction(last_end)
        end = start + self.clip_duration
        is_last = (end + self.clip_duration - duration) > self.eps
        index = self.index
        self.index = 0 if is_last else self.index + 1
        return start, end, index, is_last


# ---------------------------------------------------------------- LabeledVideoDataset (§8.1, §7.5)
class LabeledVideoDataset(torch.utils.data.IterableDataset):
    def __init__(self, root, clip_sampler, transform, recorder, split):
        self.classes, self.items = labeled_video_paths(root)
        self.num_videos = len(self.items)
        self.clip_sampler = clip_sampler
        self.transform = transform
        self.recorder = recorder
        self.split = split
        self.generator = torch.Generator()  # pytorchvideo's own generator (default seed)
        self.video_sampler = torch.utils.data.RandomSampler(self.items, generator=self.generator)
        self.pass_index = -1

    def __iter__(self):
        self.pass_index += 1
        for video_index in iter(self.video_sampler):
            path, label = self.items[video_index]
            video = PyAVVideo(path)
            last_end = None
            self.clip_sampler.reset()
            while True:
                start, end, clip_index, is_last = self.clip_sampler(last_end, video.duration)
                last_end = end
                frames, pts = video.get_clip(start, end)
                if frames is None:  # an empty clip ends this video (pytorchvideo)
                    break
                self.recorder.begin(
                    {
                        "split": self.split,
                        "pass": self.pass_index,
                        "video": os.path.relpath(path, os.path.dirname(os.path.dirname(path))),
                        "label": label,
                        "start": float(start),
                        "end": float(end),
                        "clip_index": clip_index,
                        "duration": float(video.duration),
                        "frames": len(pts),
                        "height": int(frames.shape[2]),
                        "width": int(frames.shape[3]),
                    }
                )
                sample = {"video": self.transform(frames), "label": label, "pass": self.pass_index}
                self.recorder.end()
                yield sample
                if is_last:
                    break
            video.close()


# ---------------------------------------------------------------- transforms (§7.4, §8.4–8.7)
def uniform_temporal_subsample(x, n):
    t = x.shape[1]
    index = torch.linspace(0, t - 1, n).clamp(0, t - 1).long()
    return torch.index_select(x, 1, index)


def normalize(x, mean, std):
    # pytorchvideo Normalize: CTHW -> TCHW, torchvision normalize per channel in float32, back
    y = x.permute(1, 0, 2, 3)
    m = torch.as_tensor(mean, dtype=y.dtype).view(-1, 1, 1)
    s = torch.as_tensor(std, dtype=y.dtype).view(-1, 1, 1)
    return ((y - m) / s).permute(1, 0, 2, 3)


def short_side_scale(x, size):
    _, _, h, w = x.shape
    if w < h:
        new_h, new_w = int(math.floor((float(h) / w) * size)), size
    else:
        new_h, new_w = size, int(math.floor((float(w) / h) * size))
    return F.interpolate(x, size=(new_h, new_w), mode="bilinear", align_corners=False)


def train_transform(mean, std, num_frames, min_size, max_size, crop, recorder, flip=True):
    def apply(x):
        x = uniform_temporal_subsample(x, num_frames) / 255.0
        x = normalize(x, mean, std)
        size = int(torch.randint(min_size, max_size + 1, (1,)).item())  # RandomShortSideScale
        x = short_side_scale(x, size)
        h, w = x.shape[2], x.shape[3]
        th, tw = crop
        top = left = 0
        if not (h == th and w == tw):  # torchvision RandomCrop.get_params: i first, then j
            top = int(torch.randint(0, h - th + 1, size=(1,)).item())
            left = int(torch.randint(0, w - tw + 1, size=(1,)).item())
        x = x[..., top : top + th, left : left + tw]
        flipped = False
        if flip and torch.rand(1) < 0.5:  # RandomHorizontalFlip(0.5)
            x, flipped = x.flip(-1), True
        recorder.note(scale=size, scaled_h=h, scaled_w=w, crop_top=top, crop_left=left, flip=flipped)
        return x

    return apply


def val_transform(mean, std, num_frames, resize_to, recorder):
    def apply(x):
        x = uniform_temporal_subsample(x, num_frames) / 255.0
        x = normalize(x, mean, std)
        # torchvision <= 0.16 Resize on a tensor: bilinear, antialias off (the guide's pytorchvideo needs <= 0.16)
        return F.interpolate(x, size=tuple(resize_to), mode="bilinear", align_corners=False, antialias=False)

    return apply


def collate_fn(examples):
    """The guide's collate: (B,T,C,H,W) pixel values and int64 labels; `parity_pass` tags the pass."""
    return {
        "pixel_values": torch.stack([e["video"].permute(1, 0, 2, 3) for e in examples]),
        "labels": torch.tensor([e["label"] for e in examples]),
        "parity_pass": torch.tensor([e["pass"] for e in examples]),
    }
