import javax.security.auth.x500.X500Principal;
import java.util.HexFormat;

/**
 * Prints, one per line, Java's RFC 2253 form of each DER Name given in hex: X500Principal.getName(),
 * which is what Kafka's DefaultKafkaPrincipalBuilder puts after "User:" (test/kafka/principal.test.ts).
 * Each line is the name's UTF-8 bytes in hex, so that no character is lost on the way.
 */
public class Rfc2253 {
    public static void main(String[] args) throws Exception {
        for (String hex : args) {
            String name = new X500Principal(HexFormat.of().parseHex(hex)).getName();
            System.out.println(HexFormat.of().formatHex(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }
}
