// Renderer: a file picker, and 16 webcam frames grabbed through a canvas as RGBA arrays.
const out = document.getElementById('out');
document.getElementById('file').onclick = async () => {
  out.textContent = JSON.stringify(await window.videomae.classifyFile(), null, 2);
};
document.getElementById('cam').onclick = async () => {
  const video = document.getElementById('video');
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
  await new Promise((resolve) => (video.onplaying = resolve));
  const canvas = new OffscreenCanvas(320, 240);
  const context = canvas.getContext('2d');
  const frames = [];
  for (let i = 0; i < 16; i++) {
    context.drawImage(video, 0, 0, 320, 240);
    frames.push({ data: context.getImageData(0, 0, 320, 240).data, width: 320, height: 240 });
    await new Promise((resolve) => setTimeout(resolve, 66));
  }
  out.textContent = JSON.stringify(await window.videomae.classifyFrames(frames), null, 2);
};
