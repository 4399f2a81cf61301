const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('videomae', {
  classifyFile: () => ipcRenderer.invoke('classify-file'),
  classifyFrames: (frames) => ipcRenderer.invoke('classify-frames', frames),
});
