// Runs the standalone predictor (`tfgen compile --standalone --weights …`): a plain ES module
// without any import, the trained weights baked in. Plain JavaScript, plain node.
import { predict } from '../out/predictor/linreg.js';

const temps = new Float32Array(100);
for (let i = 0; i < temps.length; i++) temps[i] = 40 + i / 2;
const { sold } = predict({ X: temps });
for (const i of [0, 20, 60, 99]) console.log(`${temps[i]} °F → ${sold.data[i].toFixed(1)} ice creams`);
