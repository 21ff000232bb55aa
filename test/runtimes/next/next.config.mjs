/** Nothing to configure: the app is built as `npx create-next-app` would build it. */
export default {};
