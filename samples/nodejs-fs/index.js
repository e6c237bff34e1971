// A Node.js event function using built-in modules (full Node.js in a subprocess):
// `isola deploy samples/nodejs-fs --name node-fs --runtime Nodejs18.15`
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');

const agent = new https.Agent({ keepAlive: true }); // reused across warm invocations

exports.main_handler = async (event, context) => {
  const file = path.join(os.tmpdir(), 'visits.txt');
  fs.appendFileSync(file, `${context.request_id}\n`);
  const visits = fs.readFileSync(file, 'utf8').trim().split('\n').length;
  console.log('visit', visits, 'written to', file);
  return { visits, node: process.version, keepAlive: agent.keepAlive, echo: Buffer.from(JSON.stringify(event)).toString('base64') };
};
