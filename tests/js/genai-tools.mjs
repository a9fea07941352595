// The official @google/genai client asking for the gateway's code execution and web search, whole and streamed, as an
// application would. The SDK keeps only the tool keys it knows (gatewayCodeExecution would be dropped from
// config.tools before sending), so the entry goes in through httpOptions.extraBody, which it merges into the body as
// written. GATEWAY_URL, GATEWAY_KEY and MODEL come from the test; one JSON line of what the SDK saw goes to stdout.
import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({ apiKey: process.env.GATEWAY_KEY, httpOptions: { baseUrl: process.env.GATEWAY_URL } });
const ask = (contents, tool) => ({ model: process.env.MODEL, contents, config: { httpOptions: { extraBody: { tools: [tool] } } } });

// What the SDK parsed of an answer's chunks (one chunk for a whole answer): its own getters where it has them.
const seen = (chunks) => {
  const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
  const grounding = chunks.map((c) => c.candidates?.[0]?.groundingMetadata).find((g) => g);
  return {
    executableCode: chunks.map((c) => c.executableCode).find((c) => c !== undefined) ?? null,
    codeExecutionResult: chunks.map((c) => c.codeExecutionResult).find((c) => c !== undefined) ?? null,
    language: parts.find((p) => p.executableCode)?.executableCode.language ?? null,
    outcome: parts.find((p) => p.codeExecutionResult)?.codeExecutionResult.outcome ?? null,
    functionCalls: parts.filter((p) => p.functionCall).length,
    text: chunks.map((c) => c.text ?? "").join(""),
    queries: grounding?.webSearchQueries ?? null,
    sources: grounding?.groundingChunks?.map((g) => ({ uri: g.web?.uri, title: g.web?.title })) ?? null,
    finish: chunks.at(-1)?.candidates?.[0]?.finishReason ?? null,
  };
};

const all = async (stream) => {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
};

const code = { gatewayCodeExecution: {} };
const search = { gatewayWebSearch: { max_results: 1 } };
console.log(JSON.stringify({
  code: seen([await ai.models.generateContent(ask("What is 6 times 7?", code))]),
  codeStreamed: seen(await all(await ai.models.generateContentStream(ask("What is 6 times 7?", code)))),
  search: seen([await ai.models.generateContent(ask("How does a tide mill work?", search))]),
  searchStreamed: seen(await all(await ai.models.generateContentStream(ask("How does a tide mill work?", search)))),
}));
