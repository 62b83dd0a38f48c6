// Every user-facing string in English and French; elements carry data-i18n / data-i18n-title.

const STRINGS = {
  en: {
    tagline: "a neural network you can train, see and break, right here",
    reset: "Reset the network (r)", play: "Run / pause (space)", step: "One epoch (s)",
    guideTitle: "What am I looking at?", guideClose: "Got it",
    guideData: "points of two (or more) classes; the network learns to tell them apart from " +
      "their coordinates. Half train it, the other half test it.",
    guideFeatures: "what the network is fed: x1, x2 or functions of them (x1², sin x1...). " +
      "Click one to switch it on or off; with none, the first neurons see only their bias.",
    guideNeurons: "each square is a neuron; its picture is its output over the whole plane. " +
      "+ and − add neurons and layers.",
    guideWeightsName: "Weights", guideWeights: "the lines: blue positive, orange negative, " +
      "thicker is larger. Hover to read one, click to edit it.",
    guideOutput: "the background is the network's answer everywhere; the points are the data. " +
      "Press play and watch the losses fall.",
    class: "class", epoch: "Epoch", data: "Data",
    whichDataset: "Which dataset do you want to use?",
    regenerate: "Regenerate", customHint: "Click on the output to add points of this class " +
      "(value for regression); shift-click adds to the other class.",
    pointClass: "Class", pointValue: "Value", clear: "Clear", uploadCsv: "Upload CSV", downloadCsv: "Download CSV",
    features: "Features", whichFeatures: "Which properties do you want to feed in? Click to toggle.",
    hiddenLayers: "hidden layers", hiddenLayer: "hidden layer", neurons: "neurons",
    neuron: "neuron", output: "Output", testLoss: "Test loss", trainLoss: "Training loss",
    testAcc: "Test accuracy", legend: "Colours show data, neuron and weight values.",
    showTest: "Show test data", discretize: "Discretize output", confusion: "Confusion matrix (test)",
    truth: "true", predicted: "predicted", exportModel: "Export model (safetensors + JSON)",
    exportTorch: "Export as PyTorch code", weight: "Weight", bias: "Bias", is: "is",
    clickToEdit: "Click to edit, Enter to apply.", classroom: "Classroom mode",
    classroomHint: "Tick the controls to hide, then share this link:", thisLink: "this link",
    shortcuts: "Keys: space = play/pause · s = step · r = reset · g = regenerate · l = language",
    connected: "connected", disconnected: "reconnecting…",
    ctlTimeline: "Play, step, reset",
  },
  fr: {
    tagline: "un réseau de neurones à entraîner, observer et casser, ici même",
    reset: "Réinitialiser le réseau (r)", play: "Lancer / pause (espace)",
    step: "Une époque (s)", epoch: "Époque", class: "classe",
    guideTitle: "Qu’est-ce que je regarde ?", guideClose: "Compris",
    guideData: "des points de deux classes (ou plus) ; le réseau apprend à les séparer à " +
      "partir de leurs coordonnées. Une moitié l’entraîne, l’autre le teste.",
    guideFeatures: "ce qu’on donne au réseau : x1, x2 ou leurs fonctions (x1², sin x1…). " +
      "Un clic en ajoute ou en retire une ; sans aucune, les neurones n’ont que leur biais.",
    guideNeurons: "chaque carré est un neurone ; son image est sa sortie sur tout le plan. " +
      "+ et − ajoutent neurones et couches.",
    guideWeightsName: "Poids", guideWeights: "les traits : bleu positif, orange négatif, " +
      "plus épais = plus grand. Survolez pour lire, cliquez pour modifier.",
    guideOutput: "le fond est la réponse du réseau en tout point ; les points sont les données. " +
      "Lancez et regardez les pertes baisser.",
    data: "Données",
    whichDataset: "Quel jeu de données voulez-vous utiliser ?",
    regenerate: "Régénérer", customHint: "Cliquez sur la sortie pour ajouter des points de " +
      "cette classe (valeur en régression) ; maj-clic ajoute à l’autre classe.",
    pointClass: "Classe", pointValue: "Valeur", clear: "Effacer", uploadCsv: "Importer un CSV",
    downloadCsv: "Télécharger le CSV", features: "Entrées",
    whichFeatures: "Quelles caractéristiques donner au réseau ? Cliquez pour (dés)activer.",
    hiddenLayers: "couches cachées", hiddenLayer: "couche cachée", neurons: "neurones",
    neuron: "neurone", output: "Sortie", testLoss: "Perte de test",
    trainLoss: "Perte d’entraînement", testAcc: "Exactitude (test)",
    legend: "Les couleurs montrent les données, les neurones et les poids.",
    showTest: "Montrer les données de test", discretize: "Sortie discrétisée",
    confusion: "Matrice de confusion (test)", truth: "vrai", predicted: "prédit",
    exportModel: "Exporter le modèle (safetensors + JSON)",
    exportTorch: "Exporter en code PyTorch", weight: "Le poids", bias: "Le biais", is: "vaut",
    clickToEdit: "Cliquez pour modifier, Entrée pour valider.", classroom: "Mode classe",
    classroomHint: "Cochez les contrôles à masquer, puis partagez ce lien :",
    thisLink: "ce lien",
    shortcuts: "Touches : espace = lancer/pause · s = une époque · r = réinitialiser · " +
      "g = régénérer · l = langue",
    connected: "connecté", disconnected: "reconnexion…",
    ctlTimeline: "Lancer, pas, réinitialiser",
  },
};

let lang = "en";

// Other pages (perceptron, backprop, ...) bring their own strings.
export function addStrings(more) {
  for (const [code, strings] of Object.entries(more)) Object.assign(STRINGS[code], strings);
}

export function t(key) {
  return STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
}

export function setLang(next) {
  lang = next in STRINGS ? next : "en";
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle);
  }
  for (const el of document.querySelectorAll("option[data-i18n-option]")) {
    el.textContent = t(el.dataset.i18nOption);
  }
  for (const el of document.querySelectorAll("[data-i18n-error]")) {
    el.textContent = errorText(JSON.parse(el.dataset.i18nError));
  }
  // the switch offers the other language
  const button = document.getElementById("lang");
  if (button) button.textContent = lang === "fr" ? "EN" : "FR";
  // the links between the lab's pages carry the language along
  for (const el of document.querySelectorAll('nav a[href^="/"]')) {
    el.setAttribute("href", `${el.pathname}#lang=${lang}`);
  }
  return lang;
}

export function getLang() {
  return lang;
}

// The language a link asks for (#lang=fr or #lang=en), else the browser's.
export function chosenLang(hashLang) {
  if (hashLang === "fr" || hashLang === "en") return hashLang;
  return navigator.language.toLowerCase().startsWith("fr") ? "fr" : "en";
}

// Error frames (profond/lab/errors.py): `code` and `params` through the templates of
// /api/errors (keys err_CODE), "field: " in front; an unknown code shows the English `message`.
// A list of errors is said joined by "; ".
export function errorText(error) {
  if (Array.isArray(error)) return error.map(errorText).join("; ");
  const template = STRINGS[lang][`err_${error.code}`] ?? STRINGS.en[`err_${error.code}`];
  if (!error.code || template === undefined) return error.message ?? "";
  const params = error.params ?? {};
  const text = template.replace(/\{(\w+)\}/g, (slot, name) => (name in params
    ? [params[name]].flat().join(", ") : slot));
  return error.field ? `${error.field}${lang === "fr" ? " : " : ": "}${text}` : text;
}

// Show `error` (a frame, a list of them, or null to clear) in `node`, said again on a switch.
export function showErrorIn(node, error) {
  if (error === null) {
    delete node.dataset.i18nError;
    node.textContent = "";
    return;
  }
  node.dataset.i18nError = JSON.stringify(error);
  node.textContent = errorText(error);
}

// The error templates, served by the lab (one table for the server's words and the page's).
export async function loadErrors() {
  let tables;
  try {  // a page served while the lab stops still starts: its errors show their English words
    const response = await fetch("/api/errors");
    tables = response.ok ? await response.json() : null;
  } catch {
    tables = null;
  }
  if (!tables) return;
  addStrings(Object.fromEntries(Object.entries(tables).map(([language, templates]) => [language,
    Object.fromEntries(Object.entries(templates).map(([key, text]) => [`err_${key}`, text]))])));
  setLang(lang);  // an error shown before they came is said in the page's language now
}
