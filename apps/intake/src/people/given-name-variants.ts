/**
 * English given names and their diminutives, short forms and common spelling variants, for the
 * "given names are known variants" match reason (never a merge on its own).
 *
 * Source and licence: written by hand for this repository from common British usage, and covered by
 * the repository's own licence. No maintained dataset of this kind is published on the npm registry
 * (checked 2026-11: the `nicknames` package generates nicknames; `nicknames-curated`, the JavaScript
 * binding of the Apache-2.0 carltonnorthern/nicknames list, is not published), so none is installed.
 *
 * One line per formal name: the formal name first, then its variants. A variant may belong to several
 * formal names (Alex: Alexander and Alexandra); two names are variants when they share a line. Names
 * are compared after `foldName` (lower case, accents removed), so write them folded.
 */
const TABLE = `
abigail abby abbie abi gail
adam ad
adrian ade
agnes aggie nessa
albert al bert bertie
alexander alex alec alek sandy xander lex sasha alexandr aleksander
alexandra alex alexa lexi lexie sandra sasha sandy
alfred alf alfie fred freddie
alice ally allie alicia alys
alison ally allie allison alyson
amanda mandy manda
andrew andy drew
angela angie
anne ann annie anna nan nancy
anthony tony antony ant
archibald archie arch
arthur art artie
barbara barb babs barbie
bartholomew bart
benjamin ben benny benji
bernard bernie barney
beatrice bea bee trixie
bridget bridie biddy brigid
caroline carol carrie caz carolyn
catherine cathy cath kate katie kathy kath cat kay kitty katherine katharine kathryn katrina
charles charlie chas chuck chaz
charlotte charlie lottie lotte
christina chris chrissie tina kristina christine
christopher chris kit topher kris christoph
clifford cliff
cornelius neil con
cynthia cindy
daniel dan danny
david dave davy dai
deborah debbie deb debra debs
dennis den denny
diana di diane
dominic dom
dorothy dot dotty dolly dora
douglas doug dougie
edmund ed eddie ned edmond
edward ed eddie ted teddy ned
eleanor ellie nell nora elle elinor
elizabeth liz lizzie beth betty bess bessie eliza lisa libby betsy liza elisabeth
emily em emmy millie
emma em emmy
eugene gene
evelyn evie eve
frances fran fanny frankie francesca
francis frank frankie
florence flo florrie flossie floss
frederick fred freddie freddy fredrick
gabriel gabe
gabrielle gabby gabi
gareth gaz gary
geoffrey geoff jeff jeffrey
george georgie geordie
georgina georgie gina
gerald gerry jerry
gerard gerry ged
gillian gill jill jillian
gregory greg
gwendolen gwen wendy gwendoline
harold harry hal
harriet hattie harry
helen nell nellie ellen helena
henry harry hal hank
herbert herb bert
hugh hughie hugo
isaac ike zac
isabel izzy bella isabelle isobel isabella belle
jacob jake jakob
jacqueline jackie jacky jacquie
james jim jimmy jamie jem jimbo
jane janey jenny jayne
janet jan janette
jennifer jenny jen jenni jenna
jeremy jerry jez
jessica jess jessie
joanne jo joanna joan
john jack johnny jon jonny
jonathan jon jonny jonty jonathon
joseph joe joey jo
josephine jo josie
joshua josh
judith judy jude
julia julie jules
katherine kate katie kathy kath kay kitty catherine katharine kathryn cathy
kenneth ken kenny
lawrence larry laurie laurence
leonard len lenny leo
lesley les
leslie les
lewis lew louis lou
louisa lou lulu louise
luke lucas
margaret maggie meg peggy maisie margo marge madge marguerite margarete
marjorie marge margery
martin marty
mary polly molly mae maria mamie
matilda tilly tilda mattie
matthew matt matty mathew
maureen mo
michael mike mick micky mikey mickey
nathan nate nat nathaniel
nathaniel nat nate nathan
natalia natasha tasha nat natalie natalya
nicholas nick nicky nico nicolas nik
nicola nicky nikki nicole
oliver ollie olly
olivia liv livvy ollie
owen eoin owain
pamela pam
patricia pat patty trish tricia patsy
patrick pat paddy
peter pete
philip phil pip phillip
phoebe phebe
rachel rach rae
raymond ray
rebecca becky becca bex
richard rick ricky dick rich richie
robert bob bobby rob robbie bert rab
roger rog
ronald ron ronnie
rosalind ros roz
rose rosie rosa
rosemary rosie
samantha sam sammy
samuel sam sammy
sarah sally sara sadie
sebastian seb
sophia sophie soph sofia
stephanie steph stephie
stephen steve stevie steven
stuart stu stewart
susan sue susie suzy suzanne
terence terry
theodore theo ted teddy
theresa tess tessa terri teresa
thomas tom tommy
timothy tim timmy
valerie val
victoria vicky vicki tori vikki
vincent vince vinnie
walter walt wally
william bill billy will willie liam
winifred winnie
zachary zach zack zac
zoe zoey
`;

/** Every formal name a name is a form of (itself included when it is formal). */
const FORMS = new Map<string, Set<string>>();
for (const line of TABLE.trim().split('\n')) {
  const [formal, ...variants] = line.trim().split(/\s+/);
  for (const name of [formal, ...variants]) {
    const set = FORMS.get(name) ?? new Set<string>();
    set.add(formal);
    FORMS.set(name, set);
  }
}

/** The formal names `name` (folded, one word) is a form of; empty when the table does not know it. */
export function formalNamesOf(name: string): string[] {
  return [...(FORMS.get(name) ?? [])];
}

/** Whether two different folded given names are known forms of the same name (both directions). */
export function areGivenNameVariants(a: string, b: string): boolean {
  if (a === b) return false;
  const fa = FORMS.get(a);
  const fb = FORMS.get(b);
  if (!fa || !fb) return false;
  for (const f of fa) if (fb.has(f)) return true;
  return false;
}

/** Number of names the table knows (for its test). */
export const KNOWN_GIVEN_NAMES = FORMS.size;
