// The official openai Node client's embeddings against a running gateway, as an application would use them.
// It asks for base64 unless told otherwise and decodes the vectors itself. GATEWAY_URL, GATEWAY_KEY and MODEL
// come from the test; one JSON line of what the SDK saw goes to stdout.
import OpenAI from "openai";

const client = new OpenAI({ apiKey: process.env.GATEWAY_KEY, baseURL: `${process.env.GATEWAY_URL}/v1`, maxRetries: 0 });
const model = process.env.MODEL;

const byDefault = await client.embeddings.create({ model, input: ["first", "second"] });
const asFloats = await client.embeddings.create({ model, input: "first", encoding_format: "float" });
const sized = await client.embeddings.create({ model, input: "first", dimensions: 2 });

let refusal = null;
try {
  await client.embeddings.create({ model, input: "first", encoding_format: "binary" });
} catch (e) {
  refusal = { status: e.status ?? null, message: String(e.message ?? e) };
}

console.log(JSON.stringify({
  byDefault: byDefault.data.map((d) => Array.from(d.embedding)),
  asFloats: asFloats.data.map((d) => d.embedding),
  sized: sized.data.map((d) => Array.from(d.embedding)),
  usage: byDefault.usage,
  refusal,
}));
