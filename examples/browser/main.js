// The page's entry: loads the bundle of the backend chosen by ?backend= (js, or gpu: the same
// models compiled with --backend gpu, which also need gpu.js's browser build, loaded first as a
// classic script giving the global GPU). Every script comes from the page's own origin, as its
// Content-Security-Policy asks.
const backend = new URLSearchParams(location.search).get('backend') === 'gpu' ? 'gpu' : 'js';
if (backend === 'gpu') {
  await new Promise((ok, fail) => {
    const script = document.createElement('script');
    script.src = 'gpu-browser.min.js';
    script.onload = ok;
    script.onerror = () => fail(new Error('gpu-browser.min.js did not load'));
    document.head.append(script);
  });
}
await import(backend === 'gpu' ? './app-gpu.js' : './app.js');
