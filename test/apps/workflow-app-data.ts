/** The ids and names test/apps/workflow-app.ts sends, shared with the tests that check the rows. */
export function appData(executionId: string) {
  return {
    companionId: "0b8e4c1a-1d2f-4e3a-9b4c-5d6e7f8a9b0c",
    userId: "user-123",
    organizationId: "org-456",
    sessionId: "session-789",
    conversationId: "conversation-42",
    workflowId: "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
    workflowName: "quarterly-report",
    executionId,
    steps: ["step-validation", "step-fetch-data", "step-generate-report"],
    skills: ["validate_request", "fetch_sales_data", "generate_report"],
  };
}
