// Express 4 under its npm alias (the server's tests run each supported major): typed with the Express
// typings the tests already use, for the calls the tests make (`express()`, `app.use`, `express.json`).
declare module 'express4' {
  import express from 'express';
  export default express;
}
