// Electron main process: classifies a video chosen in the window with videomae. The addon is
// Node-API, so the same prebuilt binary loads in Electron; every videomae call is async and runs
// off the JS thread, so the window stays responsive. Live webcam frames go through
// classifier.stream() (see renderer.js). Not run in this repository's tests (no display here).
const path = require('node:path');
const { app, BrowserWindow, ipcMain, dialog } = require('electron');
const { pipeline } = require('videomae');

const MODEL = process.env.VIDEOMAE_MODEL || path.join(__dirname, 'model'); // an HF VideoMAE folder
let classifierPromise;

function classifier() {
  classifierPromise ??= pipeline('video-classification', { model: MODEL, device: 'auto' });
  return classifierPromise;
}

ipcMain.handle('classify-file', async () => {
  const { canceled, filePaths } = await dialog.showOpenDialog({
    properties: ['openFile'],
    filters: [{ name: 'Videos', extensions: ['mp4', 'avi', 'mkv', 'webm', 'mov'] }],
  });
  if (canceled) return null;
  const predictions = await (await classifier())(filePaths[0], { topK: 5 });
  return { file: filePaths[0], predictions };
});

// Frames from the renderer's webcam (RGBA from a canvas): one window of frames at a time.
ipcMain.handle('classify-frames', async (_event, frames) => (await classifier())(frames, { topK: 3 }));

app.whenReady().then(() => {
  const window = new BrowserWindow({ width: 800, height: 600, webPreferences: { preload: path.join(__dirname, 'preload.js') } });
  window.loadFile('index.html');
});

app.on('window-all-closed', async () => {
  if (classifierPromise) (await classifierPromise).dispose();
  app.quit();
});
