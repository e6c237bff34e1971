// The sample function isola deploys on first start, as `hello` in the
// `default` namespace. An event function: called with the caller's JSON
// event and a context describing the invocation.
let invocations = 0; // module scope survives between calls on a warm instance

exports.main_handler = async (event, context) => {
  invocations += 1;
  console.log(`hello invoked with ${JSON.stringify(event)}`);
  return {
    message: `Hello, ${event.name ?? 'world'}!`,
    requestId: context.request_id,
    warmInvocations: invocations,
  };
};
