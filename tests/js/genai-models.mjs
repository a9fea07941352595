// The official @google/genai client's model lookups against a running gateway.
// GATEWAY_URL and GATEWAY_KEY come from the test, MODELS is a space-separated list of names to look up;
// one JSON line goes to stdout: what models.get answered for each name (the model, or the error's status).
import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({ apiKey: process.env.GATEWAY_KEY, httpOptions: { baseUrl: process.env.GATEWAY_URL } });

const lookups = {};
for (const model of process.env.MODELS.split(" ")) {
  try {
    const found = await ai.models.get({ model });
    lookups[model] = { name: found.name, displayName: found.displayName ?? null, supportedActions: found.supportedActions ?? null };
  } catch (e) {
    lookups[model] = { status: e.status ?? null, message: String(e.message ?? e) };
  }
}

const listed = [];
for await (const model of await ai.models.list()) {
  listed.push(model.name);
}

console.log(JSON.stringify({ lookups, listed }));
