import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A mutual-TLS client built the way Kafka's Java client builds its SSL engine
 * (org.apache.kafka.common.security.ssl.DefaultSslEngineFactory): the keystore is loaded with
 * ssl.keystore.password, the KeyManagerFactory (default algorithm, SunX509) is initialised with
 * ssl.key.password, the truststore with ssl.truststore.password, and endpoint identification is
 * "HTTPS" (Kafka's default ssl.endpoint.identification.algorithm).
 *
 * Run with the single-file source launcher, no build step:
 *   java MtlsClient.java HOST PORT KEYSTORE KEYSTORE_TYPE STOREPASS KEYPASS TRUSTSTORE TRUSTSTORE_TYPE TRUSTPASS [PROTOCOL]
 *
 * Exit 0 and "OK <server subject>" once the handshake completes and the server's first line
 * (the answer to "GET / HTTP/1.0") is read; exit 1 and "TLS_FAILED <phase> <exception class>:
 * <message>" when TLS refuses, phase `handshake` (startHandshake threw) or `first-exchange` (under
 * TLS 1.3 the server checks our certificate after our side of the handshake is done, so its
 * refusal arrives on the first exchange); exit 2 and "ERROR ..." for
 * anything else (a keystore that does not load, a wrong password, no connection): a harness
 * error, never to be mistaken for a refused handshake.
 */
public class MtlsClient {
  public static void main(String[] args) {
    if (args.length < 9) {
      System.out.println("ERROR usage: HOST PORT KEYSTORE TYPE STOREPASS KEYPASS TRUSTSTORE TYPE TRUSTPASS [PROTOCOL]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String protocol = args.length > 9 ? args[9] : null;
    SSLContext ctx;
    try {
      KeyStore ks = load(args[2], args[3], args[4]);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, args[5].toCharArray());
      KeyStore ts = load(args[6], args[7], args[8]);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    } catch (Exception e) {
      System.out.println("ERROR loading stores: " + e.getClass().getName() + ": " + e.getMessage());
      System.exit(2);
      return;
    }

    SSLSocket socket;
    try {
      socket = (SSLSocket) ctx.getSocketFactory().createSocket();
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout(10_000);
    } catch (IOException e) {
      System.out.println("ERROR connecting: " + e.getClass().getName() + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    String phase = "handshake";
    try (SSLSocket s = socket) {
      SSLParameters params = s.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (protocol != null) params.setProtocols(new String[] {protocol});
      s.setSSLParameters(params);
      s.startHandshake();
      phase = "first-exchange";
      // Speak first (an HTTP/1.0 request, so openssl s_server -www answers too): under TLS 1.3 a
      // server's refusal of our certificate arrives after our handshake is done, on this exchange.
      s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        // The server closed the connection without a line: it refused us after the handshake.
        System.out.println("TLS_FAILED first-exchange java.io.EOFException: server closed the connection");
        System.exit(1);
      }
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      System.out.println("OK " + peer.getSubjectX500Principal().getName());
      System.out.println("protocol " + s.getSession().getProtocol());
      System.out.println("server " + line);
      System.exit(0);
    } catch (SSLException | java.net.SocketException e) {
      // An alert, or a reset from a server that refused us and closed before reading our records:
      // both are TLS's refusal. The phase says whether our handshake had completed.
      System.out.println("TLS_FAILED " + phase + " " + e.getClass().getName() + ": " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.out.println("ERROR " + e.getClass().getName() + ": " + e.getMessage());
      System.exit(2);
    }
  }

  private static KeyStore load(String path, String type, String password) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = new FileInputStream(path)) {
      ks.load(in, password.toCharArray());
    }
    return ks;
  }
}
