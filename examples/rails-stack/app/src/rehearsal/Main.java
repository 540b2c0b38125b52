package rehearsal;

import java.util.Arrays;

/** Entry points of the rehearsal stand-in app: web, worker, rails (CLI), hooks (the SaaS stand-in, run on the host). */
public final class Main {
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: rehearsal.Main web|worker|rails|hooks ...");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "web" -> Web.main(rest);
            case "worker" -> Worker.main(rest);
            case "rails" -> System.exit(Rails.main(rest));
            case "hooks" -> Hooks.main(rest);
            default -> {
                System.err.println("unknown entry point: " + args[0]);
                System.exit(2);
            }
        }
    }
}
