export { AppError, notFound, parseInput, validationError } from "./errors.ts";
export { errorHandler, notFoundHandler, requestContext } from "./middleware.ts";
