/**
 * Where crops sit in a resized frame. One crop: HF's center_crop (floor-centred; a frame smaller
 * than the crop is zero-padded with the image at ceil(pad/2)). Several crops: VideoMAE's
 * multi-view testing (kinetics.py), crops spread evenly along the long side, start
 * int(j·(long − crop)/(n − 1)): left/centre/right for n = 3 on a landscape frame.
 */
export interface CropBox {
  top: number;
  left: number;
}

/** Start of a centred window of `crop` in `size` (negative: zero padding before the image). */
export function centredStart(size: number, crop: number): number {
  return size >= crop ? Math.floor((size - crop) / 2) : -Math.ceil((crop - size) / 2);
}

function spreadStarts(size: number, crop: number, count: number): number[] {
  if (count === 1 || size <= crop) return Array.from({ length: count }, () => centredStart(size, crop));
  return Array.from({ length: count }, (_, j) => Math.floor((j * (size - crop)) / (count - 1)));
}

/** `count` crop boxes of cropHeight x cropWidth in a height x width frame. */
export function cropBoxes(height: number, width: number, cropHeight: number, cropWidth: number, count = 1): CropBox[] {
  if (width >= height) {
    const top = centredStart(height, cropHeight);
    return spreadStarts(width, cropWidth, count).map((left) => ({ top, left }));
  }
  const left = centredStart(width, cropWidth);
  return spreadStarts(height, cropHeight, count).map((top) => ({ top, left }));
}

/** (height, width) after HF's shortest-edge resize: the long side is int(s·long/short). */
export function shortestEdgeSize(height: number, width: number, shortestEdge: number): [number, number] {
  const portrait = width <= height;
  const short = portrait ? width : height;
  const long = portrait ? height : width;
  const newLong = Math.trunc((shortestEdge * long) / short);
  return portrait ? [newLong, shortestEdge] : [shortestEdge, newLong];
}
