// The official @google/genai client against a running gateway, as an application would use it.
// GATEWAY_URL, GATEWAY_KEY and MODEL come from the test; one JSON line of what the SDK saw goes to stdout.
import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({ apiKey: process.env.GATEWAY_KEY, httpOptions: { baseUrl: process.env.GATEWAY_URL } });
const model = process.env.MODEL;

const answer = await ai.models.generateContent({
  model,
  contents: "Say hello",
  config: { systemInstruction: "Be brief.", maxOutputTokens: 100 },
});

const chunks = [];
for await (const chunk of await ai.models.generateContentStream({ model, contents: "Say hello" })) {
  chunks.push(chunk);
}

const counted = await ai.models.countTokens({ model, contents: "How many tokens is this sentence here?" });

const withTool = await ai.models.generateContent({
  model,
  contents: "Weather in Oslo?",
  config: {
    tools: [{ functionDeclarations: [{ name: "weather", description: "Weather now", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } } }] }],
  },
});

let refusal = null;
try {
  await ai.models.generateContent({ model: "no-such-model", contents: "hi" });
} catch (e) {
  refusal = { status: e.status ?? null, message: String(e.message ?? e) };
}

console.log(JSON.stringify({
  text: answer.text,
  finishReason: answer.candidates?.[0]?.finishReason ?? null,
  usage: answer.usageMetadata ?? null,
  streamText: chunks.map((c) => c.text ?? "").join(""),
  streamChunks: chunks.length,
  streamFinish: chunks.at(-1)?.candidates?.[0]?.finishReason ?? null,
  totalTokens: counted.totalTokens,
  functionCalls: withTool.functionCalls ?? null,
  refusal,
}));
