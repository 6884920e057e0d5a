"""Spanish wordings of the question labels and situations, for the whole-message reader.

The readers (questions.py, situations.py, reading.py) match these alongside their English patterns
on text with the accents removed (``nlp.language.plain``), so "qué", "que" and "QUÉ" are one word;
people often skip accents when they type. Patterns are written accent-free, but ñ is kept: "años"
is written a[nñ]os, because people type both.
Spanglish ("el levy", "un payment plan") is caught by the English patterns on the same text.
"""
from __future__ import annotations

from typing import Dict, Tuple

# Words that make a Spanish sentence a question, a wish or a worry ("¿puedo...", "quiero saber").
ASKING = (
    r"^\s*(?:que|q|como|cuando|cuanto|cuanta|cuantos|cuantas|donde|por que|cual|cuales|quien|puedo|pueden|podria|podrian|debo|deberia|o|o mejor|"
    r"tengo que|hay|existe|sera|y si)\b|"
    r"\b(?:que (?:hago|puedo|debo|pasa|pasara|significa|quiere decir|es)|como (?:puedo|hago|se|lo|la|le)|cuanto|cuanta|cuantos|cuantas|"
    r"cuando|donde|cual|cuales|a quien|con quien|q (?:es|significa)|"
    r"me pueden|me puede|pueden|puede el irs|van a|podran|podria|quiero saber|quisiera saber|necesito saber|"
    r"no se|tengo miedo|me da miedo|miedo (?:de )?que|de verdad|me preocupa|preocupad[oa]|ayuda|ayudarme|alguien sabe|es posible|hay (?:alguna )?manera|"
    r"hay forma|hay algo|me gustaria|quiero|necesito|por favor|pregunta|dudas?)\b"
)
SENTENCE_CONNECTORS = r"y ademas|ademas|otra cosa|otra pregunta"

QUESTIONS: Dict[str, Tuple[str, ...]] = {
    "what_is_notice": (
        r"\bque (?:es|significa|quiere decir|dice)\b[^?.!]{0,40}\b(?:aviso|carta|notice|letter|cp|lt|esto|eso)",
        r"\bque (?:es|significa) (?:el |la |un |una |este |esta )?(?:aviso|carta|cp|lt|letter|notice)",
        r"\bque significa\b", r"\bque quiere decir\b", r"\bno entiendo\b", r"\bexpli(?:car|que|quen|queme|carme)\b",
        r"\bpara que es\b", r"\bde que se trata\b", r"\bpor que (?:me |nos )?(?:lo |la |los |las )?(?:llego|llega|mandaron|mandan|enviaron|envian|recibi|cobran|cancelan)\b",
        r"\bq(?:ue)? (?:es|significa)\s*[?.!]*$", r"\bno se (?:que|lo que) (?:es|significa)\b",
        r"\bes (?:grave|malo|serio|peligroso|urgente|una auditoria|una multa|lo mismo que|el (?:aviso )?final|el ultimo(?: aviso)?|real)\b",
        r"\b(?:cual|que aviso) es (?:el )?mas (?:urgente|grave|importante)\b",
    ),
    "what_to_do": (
        r"\bque (?:hago|puedo hacer|debo hacer|tengo que hacer|me recomienda|me aconseja|hacemos|opciones|podemos hacer|debemos hacer|tenemos que hacer|se puede hacer)\b",
        r"\bcuales son (?:mis|las) opciones\b", r"\bmis opciones\b", r"\bque (?:pasos|sigue)\b", r"\bcomo (?:lo )?(?:resuelvo|arreglo|soluciono)\b",
        r"\bcomo (?:debo )?responder\b", r"\bdebo (?:llamar|responder|contestar|pagar|ignorar)\b", r"\bque me recomienda\b",
        r"\bhay algo que (?:pueda|puedo) hacer\b", r"\bpor donde empiezo\b", r"\bconsejo\b",
        r"\b(?:lo|la|los|las) ignoro\b", r"\bcomo (?:lo |la )?reclamo\b", r"\btengo que (?:hacer|mandar|enviar|llenar|presentar)\b",
        r"\bque (?:me )?conviene\b", r"\bme conviene\b", r"\b(?:a quien|que|cual) (?:le )?(?:pago|debo pagar|pagar) primero\b",
    ),
    "deadline": (
        r"\bcuanto tiempo (?:tengo|tenemos|me queda|hay)\b", r"\bcuantos dias\b", r"\bfecha (?:limite|de vencimiento)\b",
        r"\bplazo\b", r"\bhasta cuando\b", r"\btodavia (?:tengo|estoy a) tiempo\b", r"\bestoy a tiempo\b", r"\bse me paso\b",
        r"\bcuando (?:tengo que|debo) (?:pagar|responder|contestar)\b", r"\bcuanto tiempo (?:tengo|me queda|hay|tienen) antes\b",
        r"\b(?:la )?tengo que entregar\b", r"\bcuanto (?:tiempo )?(?:se )?(?:tarda|demora|toma|lleva)\w*\b",
    ),
    "consequences": (
        r"\bque (?:pasa|pasaria|sucede|puede pasar|va a pasar|me pueden hacer|me puede hacer)\b",
        r"\bsi no (?:pago|puedo pagar|respondo|contesto|hago nada)\b", r"\bsi (?:lo )?ignoro\b", r"\b(?:la )?carcel\b",
        r"\bme (?:van a )?(?:arrestar|meter preso)\b", r"\bque tan (?:grave|serio)\b", r"\bdebo preocuparme\b",
        r"\b(?:me meto|meterme|tener|estar) (?:en )?problemas\b", r"\b(?:cerrar|cierren) (?:el|mi) negocio\b",
        r"\b(?:me|nos) van a (?:cobrar|poner|multar|cargar)\b",
    ),
    "wage_levy": (
        r"\b(?:embargar|embarguen|embargan|quitar|quiten|quitan|tomar|tomen)\b[^?.!]{0,30}\b(?:salario|sueldo|cheque|pago|nomina|paga)\b",
        r"\b(?:salario|sueldo|cheque de pago|nomina)\b", r"\bembargo de (?:salario|sueldo)\b", r"\bgarnish\w*",
    ),
    "bank_levy": (
        r"\bcuenta (?:de banco|bancaria|de cheques|de ahorros)\b", r"\b(?:mi|la|el) (?:cuenta|banco)\b",
        r"\bembargo bancario\b", r"\bdeposit(?:o|os|e|en|ar|aron|ado|ados|ada|an|aba|ara)\b", r"\b(?:mi|mis|nuestro|nuestros) (?:dinero|ahorros|fondos)\b",
    ),
    "levy_general": (
        r"\bembarg\w*\b", r"\bquitar(?:me)? (?:mi |la |el |mis )?(?:casa|carro|auto|propiedad|cosas|todo)\b", r"\bconfisca\w*\b",
        r"\bincauta\w*\b", r"\bvenir por (?:mi|mis)\b",
        r"\b(?:toc|quit|embarg|llev|tom|remat|confisc)\w*\b[^?.!]{0,20}\b(?:401k|ira|retiro|carro|troca|camioneta|casa|vivienda|propiedad|auto|bienes|cosas)\b",
        r"\b(?:me )?(?:la|lo|los|las) (?:pueden|puede|van a|podrian|podra) (?:quitar|embargar|tomar|confiscar|rematar|vender)\b",
    ),
    "social_security_levy": (
        r"\b(?:seguro social|incapacidad|discapacidad|ssi|ssdi|pension|beneficios)\b[^?.!]{0,40}\b(?:quit|embarg|toc|tom|reduc)",
        r"\b(?:quit\w*|embarg\w*|toc\w*|tom\w*)\b[^?.!]{0,40}\b(?:seguro social|incapacidad|discapacidad|ssi|ssdi|pension|beneficios)\b",
    ),
    "stop_levy": (
        r"\b(?:parar|detener|frenar|quitar|levantar|liberar|cancelar|suspender)\b[^?.!]{0,30}\b(?:embargo|congelamiento|retencion)\b",
        r"\b(?:recuperar|devuelvan|devolver|regresen|regresar)\b[^?.!]{0,20}\b(?:dinero|plata|fondos|cheque|cuenta)\b",
        r"\b(?:descongelar|desbloquear)\b", r"\bliberacion del embargo\b", r"\bque me devuelvan\b",
        r"\b(?:libero|liberan|liberar|desbloque\w*|levantan)\b[^?.!]{0,25}\b(?:embargo|levy|cuenta|congelamiento)\b",
        r"\b(?:saco|sacar|quitan|paran|parar)\b[^?.!]{0,25}\b(?:embargo|levy|congelamiento)\b",
        r"\b(?:me |nos )?(?:devuelve|devolvera|devolveran|regresa|regresan|reembolsa|reembolsan)\b",
        r"\b(?:lo|la) (?:libero|desbloqueo|descongelo|saco)\b", r"\bme devuelven\b",
        r"\b(?:lo|la|los|las) (?:recupero|recuperamos|puedo recuperar|devuelven|regresan)\b", r"\brecuper\w*\b[^?.!]{0,20}\b(?:dinero|plata|fondos|cuenta)\b",
        r"\b(?:bajar|bajen|bajarme|bajan|reducir|reduzcan|reducirme|rebajar|rebajen)\b[^?.!]{0,15}\b(?:el |mi |ese )?embargo\b",
        r"\b(?:paro|paramos|paren|pare|detengo|detenga|detengan|freno|levanto|levanten|suspendan|quiten|cancelen)\b[^?.!]{0,25}\b(?:embargo|levy|garnishment|congelamiento)\b",
        r"\bse (?:acaba|termina|quita|levanta|cancela|para)\b[^?.!]{0,15}\bembargo\b|\bembargo\b[^?.!]{0,20}\bse (?:acaba|termina|quita|levanta)\b",
    ),
    "lien": (r"\bgravamen(?:es)?\b", r"\blien\b", r"\b(?:afecta|da[nñ]a|arruina|aparece en) (?:mi |el )?credito\b"),
    "lien_removal": (
        r"\b(?:quit|elimin|retir|liber|levant|borr|cancel)\w*\b[^?.!]{0,30}\b(?:gravamen|lien)\b",
        r"\b(?:gravamen|lien)\b[^?.!]{0,40}\b(?:vender|venta|refinanciar)\b", r"\b(?:vender|refinanciar)\b[^?.!]{0,40}\b(?:gravamen|lien|casa)\b",
        r"\bpuedo (?:todavia )?(?:vender|refinanciar)\b", r"\breporte de credito\b",
        r"\b(?:la |lo )?(?:quiero|queremos|podemos) (?:vender|refinanciar)\b", r"\b(?:la|lo) (?:quiero|puedo) (?:vender|refinanciar)\b",
    ),
    "payment_plan": (
        r"\bplan(?:es)? de pagos?\b", r"\bacuerdo de pagos?\b", r"\bpagos? a plazos\b", r"\ba plazos\b", r"\bpagos mensuales\b",
        r"\bpagar (?:poco a poco|por mes|mensualmente|en partes|en pagos|de a poco)\b", r"\bpagar (?:una|cierta) cantidad (?:al|cada) mes\b",
        r"\breinstal\w*|\breactivar (?:el|mi) plan\b", r"\brestablecer (?:el|mi) plan\b", r"\b(?:cancelaron|cancelan|perdi|pierdo) (?:el|mi) plan\b",
        r"\bpayment plan\b", r"\bpagar (?:al|por) mes\b", r"\bcuanto (?:tendria que|tengo que|debo) pagar al mes\b", r"\bmas tiempo para pagar\b",
        r"\b(?:sigue|sigo|seguir|mantener|mantengo|conservar|conservo|salvar|salvo|recuperar|recupero|pierdo|perder|perdi)\b[^?.!]{0,12}\b(?:el|mi|nuestro) (?:plan|acuerdo)\b",
    ),
    "offer_in_compromise": (
        r"\bofrecimiento de transaccion\b", r"\boferta (?:de|en) compromiso\b", r"\bpennies on the dollar\b", r"\bpor menos\b", r"\boic\b", r"\bnegociar\b", r"\bllegar a un (?:arreglo|acuerdo)\b",
        r"\bpagar menos\b", r"\b(?:reducir|rebajar|bajar) (?:la|mi) deuda\b", r"\bperdon\w* (?:la|mi) deuda\b", r"\bperdonen\b",
        r"\bsettle\w*\b", r"\barreglo\b",
    ),
    "cnc_hardship": (
        r"\bno (?:puedo|podemos|puede|pueden|tengo (?:como|con que)|alcanzo a) pagar\b", r"\bno tengo (?:el )?dinero\b", r"\bno me alcanza\b",
        r"\bdificultad(?:es)? economica\b", r"\bno cobrable\b", r"\bestado de no cobrable\b", r"\bcnc\b", r"\bsin dinero\b",
        r"\by si no puedo\b", r"\bno tengo para pagar\b", r"\ben pausa\b", r"\bpaus(?:ar|en)\b",
    ),
    "innocent_spouse": (
        r"\bconyuge inocente\b", r"\b(?:responsable|pagar)\b[^?.!]{0,40}\b(?:de mi|del|su) (?:ex|esposo|esposa|marido|mujer|pareja)\b",
        r"\b(?:deuda|impuestos|error)\b[^?.!]{0,30}\b(?:de mi|del|de su) (?:ex|esposo|esposa|marido|mujer|pareja)\b",
        r"\b(?:mi )?ex(?:-| )?(?:esposo|esposa|marido|mujer)\b[^?.!]{0,60}\b(?:yo|me|mi)\b[^?.!]{0,30}\b(?:pagar|responsable|culpa)\b",
        r"\bseparacion de responsabilidad\b",
    ),
    "penalty_relief": (
        r"\bmultas?\b[^?.!]{0,40}\b(?:quitar|quiten|eliminar|perdonar|perdonen|reducir|rebajar|alivio|condonar|cancelar)",
        r"\b(?:quit|elimin|perdon|reduc|rebaj|condon|cancel)\w*\b[^?.!]{0,30}\b(?:las |la )?(?:multas?|penalidad\w*|recargos?)\b",
        r"\balivio (?:de|por) (?:multas|primera vez)\b", r"\bcausa razonable\b", r"\bprimera vez\b[^?.!]{0,20}\bmulta",
    ),
    "cdp_hearing": (
        r"\baudiencia\b", r"\bapela\w*\b", r"\bapelacion\w*\b", r"\b12153\b", r"\bdebido proceso\b", r"\bcdp\b", r"\btribunal\b",
        r"\bcorte de impuestos\b",
    ),
    "collection_statute": (
        r"\b(?:10|diez) a[nñ]os\b", r"\bprescri\w*\b", r"\bvence\w*\b[^?.!]{0,20}\bdeuda\b", r"\bexpir\w*\b", r"\bcaduc\w*\b",
        r"\besperar (?:a )?que (?:se )?(?:venza|expire|pase)\b", r"\bplazo\b[^?.!]{0,30}\bcobrar\w*",
        r"\bcuanto tiempo tienen? (?:el irs )?para cobrar\w*",
    ),
    "scam": (
        r"\bestafa\w*\b", r"\bfraude\w*\b", r"\bes (?:real|legitim\w*|falso|falsa)\b(?! que)",
        r"\bel irs (?:manda|envia|llama|usa)\b[^?.!]{0,20}\b(?:mensajes?|textos?|correos?|llamadas?|whatsapp|redes)\b",
        r"\b(?:sera|es) (?:de verdad )?del irs\b", r"\btarjetas? de regalo\b", r"\benga[nñ]o\b",
    ),
    "passport": (r"\bpasaporte\b", r"\bviajar (?:fuera|al extranjero)\b"),
    "disagree": (
        r"\bno estoy de acuerdo\b", r"\b(?:esta|es) (?:mal|equivocad\w*|incorrect\w*)\b", r"\b(?:un |es un )?error\b",
        r"\bno (?:es|son) (?:mio|mia|mios|mias)\b", r"\bno debo\b", r"\bdisputar\b", r"\bimpugnar\b", r"\bequivocacion\b",
        r"\bnunca (?:recibi|gane|tuve) (?:ese|esa|eso)\b", r"\bpagar (?:otra vez|de nuevo|dos veces)\b",
        r"\b(?:lo|la) peleo\b", r"\bpelear\w*\b", r"\bcomo reclamo\b", r"\breclamar\b",
    ),
    "talk_to_pro": (
        r"\bhablar con (?:alguien|una persona|un agente|un profesional|un experto|usted|ustedes|un humano)\b",
        r"\b(?:me )?(?:pueden|puede) ayudar\b", r"\bllamenme\b", r"\bme pueden llamar\b", r"\brepresent\w*\b", r"\bcontratar\b",
        r"\bnecesito (?:ayuda|un abogado|un contador|un profesional)\b", r"\b(?:abogado|contador|cpa|agente inscrito)\b",
        r"\bcon quien (?:hablo|puedo hablar)\b",
    ),
    "firm_services": (
        r"\bque (?:hacen|ofrecen|servicios)\b", r"\bcuanto (?:cobran|cuesta|me costaria|me cobran)\b", r"\bsus (?:precios|tarifas|servicios|honorarios)\b",
        r"\bconsulta gratis\b", r"\bconsulta gratuita\b",
    ),
}

SITUATIONS: Dict[str, Tuple[str, ...]] = {
    "levied": (
        r"\b(?:me |ya me |nos )?(?:embargaron|estan embargando|empezaron a embargar|quitaron|estan quitando|tomaron)\b[^.?!]{0,30}\b(?:salario|sueldo|cheque|pago|nomina|seguro social|reembolso|beneficios)\b",
        r"\bembargo (?:de|en) (?:mi )?(?:salario|sueldo|cheque)\b[^.?!]{0,20}\b(?:empezo|ya|tengo)\b",
        r"\b(?:mi )?(?:empleador|trabajo|patron|jefe|recursos humanos)\b[^.?!]{0,30}\b(?:recibio|le llego|le mandaron)\b[^.?!]{0,20}\b(?:embargo|levy|668)",
        r"\btengo un embargo\b", r"\b668-?w\b",
        r"\b(?:me|nos) (?:esta|estan) (?:quitando|embargando|tomando|descontando)\b",
        r"\b(?:patron|empleador|jefe|trabajo|recursos humanos)\b[^.?!]{0,40}\b(?:papel|carta|aviso|forma)\b[^.?!]{0,30}\b(?:irs|embargo|levy)\b",
        r"\bdeclaracion de exenciones\b", r"\b(?:forma|formulario|papel|declaracion)\b[^.?!]{0,25}\bexenciones\b", r"\btengo (?:un )?embargo\b[^.?!]{0,20}\b(?:sueldo|salario|cheque|nomina|pago)\b",
    ),
    "bank_frozen": (
        r"\b(?:cuenta|banco)\b[^.?!]{0,40}\b(?:congelad\w*|congelaron|embargad\w*|embargaron|bloquead\w*|bloquearon|vaciaron|retenid\w*)\b",
        r"\b(?:congelaron|congelo|embargaron|bloquearon|bloqueo|vaciaron|vacio|sacaron|saco)\b[^.?!]{0,30}\b(?:cuenta|banco|dinero del banco)\b",
        r"\b668-?a\b", r"\bembargo (?:la|mi|mis|nuestra|su) (?:cuenta|cuentas|banco)\b",
        r"\b(?:dejaron|dejo|quedo|quedaron) (?:la |mi |nuestra )?cuenta en (?:cero|ceros)\b", r"\bcuenta (?:en cero|vacia)\b",
    ),
    "lost_income": (
        r"\bperdi (?:mi |el )?(?:trabajo|empleo)\b", r"\bme (?:despidieron|corrieron|echaron)\b", r"\bdesemplead\w*\b", r"\bsin trabajo\b",
        r"\bno tengo (?:trabajo|empleo|ingresos)\b", r"\bno estoy trabajando\b", r"\bdesempleo\b", r"\bme bajaron (?:las horas|el sueldo)\b",
        r"\bme quede sin (?:trabajo|empleo)\b", r"\bentre (?:trabajos|empleos)\b", r"\bsin chamba\b",
    ),
    "fixed_income": (
        r"\b(?:vivo del?|vivimos del?|vive del?|viven del?|solo (?:recibo|tengo|cobro|recibe|tiene|cobra)|recibo|cobro|recibe|reciben|cobra|cobran)\b[^.?!]{0,20}\b(?:seguro social|ssi|ssdi|incapacidad|discapacidad|pension)\b",
        r"\b(?:estoy|soy) (?:jubilad\w*|retirad\w*|discapacitad\w*|incapacitad\w*)\b", r"\b(?:mi|su) unico ingreso\b",
        r"\bviv\w* (?:solo|solamente|nomas|nada mas|unicamente) de(?:l)?\b",
    ),
    "already_paid": (
        r"\bya (?:lo |la )?(?:pague|pagamos|habia pagado)\b", r"\bya (?:hice|mande|envie) (?:el|un|mi) pago\b", r"\bpague (?:todo|completo|el saldo)\b",
    ),
    "on_payment_plan": (
        r"\b(?:tengo|estoy en|ya tengo|tenemos) (?:un )?(?:plan|acuerdo) de pagos?\b", r"\bestoy pagando (?:mensual|cada mes|en plazos)\b",
        r"\b(?:pagos?|cuotas?|mensualidad\w*) del plan\b", r"\b(?:mi|nuestro) (?:plan|acuerdo) de pagos?\b",
    ),
    "missed_payment": (
        r"\b(?:no (?:pude|hice|pague|alcance a pagar)|se me paso|me atrase en|falle|perdi)\b[^.?!]{0,30}\b(?:pago|pagos|mensualidad|cuota)\b",
        r"\bme atrase\b",
    ),
    "ignored_letters": (
        r"\bno (?:abri|lei|conteste|respondi|hice caso)\b[^.?!]{0,30}\b(?:cartas|avisos|carta|aviso)\b", r"\bignore (?:las|los|la|el)\b",
        r"\b(?:cartas|avisos) (?:anteriores|que no conteste)\b", r"\bno (?:los |las |la |lo )?(?:conteste|respondi|abri|lei)\b",
        r"\bno (?:he|hemos) (?:contestado|respondido|abierto|leido)\b", r"\bnunca (?:abri|lei|conteste|respondi)\b", r"\b(?:tire|tiramos|bote|botamos) (?:las|los) (?:cartas|avisos)\b",
    ),
    "deadline_passed": (
        r"\bse (?:me )?(?:paso|vencio) (?:el plazo|la fecha|los 30 dias)\b", r"\bya (?:paso|pasaron|vencio) (?:el plazo|la fecha|los \d+ dias)\b",
        r"\bdespues de la fecha\b", r"\bya es tarde\b",
    ),
    "selling_home": (
        r"\b(?:vender|vendiendo|venta de) (?:mi |la |nuestra )?(?:casa|propiedad|hogar)\b", r"\brefinanci\w*\b",
    ),
    "spouse_caused": (
        r"\b(?:mi )?(?:ex|esposo|esposa|marido|exesposo|exesposa)\b[^.?!]{0,60}\b(?:no (?:declaro|pago|reporto)|escondio|mintio|nunca me dijo|sin decirme|debe)\b",
        r"\b(?:culpa|deuda) de mi (?:ex|esposo|esposa|marido)\b", r"\bdeclaracion conjunta\b[^.?!]{0,40}\b(?:ex|divorci)",
        r"\bmi ex\b", r"\bex[- ]?(?:esposo|esposa|marido|mujer|pareja)\b", r"\bexesposo|exesposa|exmarido\b", r"\bdivorci\w*",
        r"\bconyuge inocente\b",
    ),
    "business_taxes": (
        r"\b(?:mi |el |nuestro )?negocio\b", r"\bimpuestos? (?:de )?nomina\b", r"\bempleados\b", r"\b941\b", r"\bmi (?:empresa|compania)\b",
    ),
    "state_notice": (
        r"\b(?:departamento de (?:hacienda|ingresos|impuestos)|franchise tax board|ftb|del estado|estatal(?:es)?|junta de impuestos de franquicias?)\b",
        r"\bel estado de (?:california|nueva york|new york|illinois|georgia|arizona|nueva jersey|new jersey|ohio|virginia|pensilvania|michigan|carolina del norte)\b",
    ),
}
