import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What a request looked like, with string attributes unwrapped. */
export interface SeenRequest {
  /** `PutItem`, `UpdateItem`, … */
  operation: string;
  input: Record<string, any>;
  /** A string attribute of the request's key or item. */
  attribute(name: string): string | undefined;
}

function seen(
  commandName: string | undefined,
  input: Record<string, any>,
): SeenRequest {
  const record = input.Item ?? input.Key ?? {};
  return {
    // the document client's commands are named PutCommand, the client's PutItemCommand
    operation: (commandName ?? '')
      .replace(/Command$/, '')
      .replace(/^(Put|Update|Get|Delete)$/, '$1Item'),
    input,
    attribute(name) {
      const value = record[name];
      return typeof value === 'string' ? value : value?.S;
    },
  };
}

/**
 * Makes the client lose DynamoDB's answer to the first request that matches:
 * the request is applied, then the SDK sees a timeout, as when a connection
 * drops after the request was sent. The store's retry then repeats a write
 * that already landed. Returns how many answers were lost so far.
 */
export function loseFirstAnswer(
  client: DynamoDBClient,
  matches: (request: SeenRequest) => boolean,
): () => number {
  let lost = 0;
  client.middlewareStack.add(
    (next, context) => async args => {
      const result = await next(args);
      if (
        lost === 0 &&
        matches(seen(context.commandName, args.input as Record<string, any>))
      ) {
        lost += 1;
        throw Object.assign(
          new Error('Connection timed out after the request was sent'),
          { name: 'TimeoutError' },
        );
      }
      return result;
    },
    { step: 'initialize', name: 'loseFirstAnswer' },
  );
  return () => lost;
}
