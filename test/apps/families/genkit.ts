/**
 * Genkit (genkit + @genkit-ai/compat-oai's OpenAI plugin pointed at the fake server): a flow
 * calling `generate` with a `get_weather` tool (Genkit runs the tool loop itself). Genkit's own
 * OpenTelemetry set-up is turned off (`disableGenkitOTelInitialization`), so its spans
 * (tracer `genkit-tracer`) go to the app's NodeSDK and OTLP exporter like any other library's.
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import { openAI } from "@genkit-ai/compat-oai/openai";
import { genkit, z } from "genkit";
import { disableGenkitOTelInitialization } from "genkit/tracing";
import { familyArgs, getWeather, QUESTION, SYSTEM, startTelemetry } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("genkit.ts");
disableGenkitOTelInitialization();
const telemetry = startTelemetry({ serviceName: "genkit-app", tracesUrl });

// The plugin's options leave baseURL out (that is `openAICompatible`'s job); its OpenAI client
// reads OPENAI_BASE_URL, which familyArgs set to the fake server.
if (process.env.OPENAI_BASE_URL !== openaiBaseUrl) throw new Error("OPENAI_BASE_URL is not the fake server");
const ai = genkit({ plugins: [openAI({ apiKey: "sk-fake-key", maxRetries: 0 })] });
const weather = ai.defineTool(
  {
    name: "get_weather",
    description: "Get the current weather for a city",
    inputSchema: z.object({ city: z.string().describe("The city") }),
    outputSchema: z.object({ city: z.string(), forecast: z.string(), temperatureC: z.number() }),
  },
  async ({ city }) => getWeather({ city }),
);
const weatherFlow = ai.defineFlow(
  { name: "weatherFlow", inputSchema: z.string(), outputSchema: z.string() },
  async (question) => {
    const response = await ai.generate({
      model: openAI.model("gpt-4o-mini"),
      system: SYSTEM,
      prompt: question,
      tools: [weather],
      config: { temperature: 0 },
    });
    return response.text;
  },
);

const answer = await weatherFlow(QUESTION);
await telemetry.finish({ answer, runId });
