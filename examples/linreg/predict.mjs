// Runs the standalone predictor (`tfgen compile --standalone --weights …`): a plain ES module
// without any import, the trained weights baked in. Plain JavaScript, plain node.
import { predict } from '../out/predictor/linreg.js';

const temps = [40, 50, 70, 89.5];
const { sold } = predict({ X: temps });
temps.forEach((t, i) => console.log(`${t} °F → ${sold.data[i].toFixed(1)} ice creams`));
console.log(`one sample: 72 °F → ${predict({ X: [72] }).sold.data[0].toFixed(1)}`);
