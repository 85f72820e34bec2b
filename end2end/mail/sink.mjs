// A real SMTP server on loopback for the browser tests: Markwell sends its
// email here (SMTP_URL in scripts/e2e-server.sh), and the tests read the
// messages back over HTTP, to follow the links in them as a person would.
import http from "node:http";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";

const smtpPort = Number(process.env.MAIL_SINK_SMTP_PORT ?? 2526);
const httpPort = Number(process.env.MAIL_SINK_HTTP_PORT ?? 3199);
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({
          to: mail.to?.value?.[0]?.address ?? "",
          fromName: mail.from?.value?.[0]?.name ?? "",
          subject: mail.subject ?? "",
          text: mail.text ?? "",
          html: typeof mail.html === "string" ? mail.html : "",
        });
        callback();
      })
      .catch(callback);
  },
});
smtp.listen(smtpPort, "127.0.0.1");

http
  .createServer((req, res) => {
    if (req.url === "/messages") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(messages));
    } else {
      res.statusCode = 404;
      res.end();
    }
  })
  .listen(httpPort, "127.0.0.1");
